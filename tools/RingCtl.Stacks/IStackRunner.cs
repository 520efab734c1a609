namespace RingCtl.Stacks;

/// <summary>
/// ringctl's only way to Pulumi: select or create a stack, set its config, preview, update, read its
/// outputs, cancel. Implemented over the Automation API in RingCtl.Pulumi; mocked in tests.
/// Config values are JSON text (<c>["acme"]</c>, <c>false</c>) and land typed in the stack's settings file.
/// </summary>
public interface IStackRunner
{
    Task SelectOrCreateAsync(StackId stack, CancellationToken cancellationToken);

    Task SetConfigAsync(StackId stack, string key, string value, CancellationToken cancellationToken);

    Task<StackChanges> PreviewAsync(StackId stack, IProgress<string> progress, CancellationToken cancellationToken);

    Task<StackChanges> UpdateAsync(StackId stack, IProgress<string> progress, CancellationToken cancellationToken);

    Task<IReadOnlyDictionary<string, object?>> GetOutputsAsync(StackId stack, CancellationToken cancellationToken);

    Task CancelAsync(StackId stack, CancellationToken cancellationToken);
}
