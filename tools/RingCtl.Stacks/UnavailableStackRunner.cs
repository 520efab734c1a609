namespace RingCtl.Stacks;

/// <summary>The runner where Pulumi is not available: every call says why, nothing crashes.</summary>
public sealed class UnavailableStackRunner : IStackRunner
{
    public UnavailableStackRunner(string reason, bool cliMissing = false)
    {
        Reason = reason;
        CliMissing = cliMissing;
    }

    public string Reason { get; }

    /// <summary>ringctl has the Automation API but no <c>pulumi</c> CLI was found: <c>up --install-pulumi</c> can fix that.</summary>
    public bool CliMissing { get; }

    private StackRunnerUnavailableException Fail() => new(Reason);

    public Task SelectOrCreateAsync(StackId stack, CancellationToken cancellationToken) => throw Fail();

    public Task SetConfigAsync(StackId stack, string key, string value, CancellationToken cancellationToken) => throw Fail();

    public Task SetSecretConfigAsync(StackId stack, string key, string value, CancellationToken cancellationToken) => throw Fail();

    public Task<StackChanges> PreviewAsync(StackId stack, IProgress<string> progress, CancellationToken cancellationToken) => throw Fail();

    public Task<StackChanges> UpdateAsync(StackId stack, IProgress<string> progress, CancellationToken cancellationToken) => throw Fail();

    public Task<StackChanges> UpdateReplacingAsync(StackId stack, IReadOnlyList<string> replace, IProgress<string> progress, CancellationToken cancellationToken) => throw Fail();

    public Task<StackChanges> UpdateTargetsAsync(StackId stack, IReadOnlyList<string> targets, IProgress<string> progress, CancellationToken cancellationToken) => throw Fail();

    public Task<IReadOnlyDictionary<string, object?>> GetOutputsAsync(StackId stack, CancellationToken cancellationToken) => throw Fail();

    public Task CancelAsync(StackId stack, CancellationToken cancellationToken) => throw Fail();

    public Task<StackChanges> DestroyAsync(StackId stack, IProgress<string> progress, CancellationToken cancellationToken) => throw Fail();

    public Task RemoveAsync(StackId stack, CancellationToken cancellationToken) => throw Fail();
}
