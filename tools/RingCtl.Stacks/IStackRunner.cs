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

    /// <summary>
    /// Sets <paramref name="key"/> as secret config (<c>pulumi config set --secret</c>: encrypted in the stack file with
    /// the stack's secrets provider). The value is a plain string and never appears in a log or an error.
    /// </summary>
    Task SetSecretConfigAsync(StackId stack, string key, string value, CancellationToken cancellationToken);

    Task<StackChanges> PreviewAsync(StackId stack, IProgress<string> progress, CancellationToken cancellationToken);

    Task<StackChanges> UpdateAsync(StackId stack, IProgress<string> progress, CancellationToken cancellationToken);

    /// <summary>An update that replaces the resources named by <paramref name="replace"/> (URNs; <c>pulumi up --replace</c>).</summary>
    Task<StackChanges> UpdateReplacingAsync(StackId stack, IReadOnlyList<string> replace, IProgress<string> progress, CancellationToken cancellationToken);

    /// <summary>
    /// A targeted update (<c>pulumi up --target URN… --target-dependents</c>): only the resources named and every resource
    /// whose provider, parent or dependency is one of them. ringctl updates a ring with clusters one cluster at a time
    /// this way (<c>RingInfra.Core.Config.ClusterResources.Targets</c>). Nothing relies on such an update refreshing the stack's
    /// outputs (the root Stack is not among its targets): the ring's last cluster is a plain update, which does.
    /// </summary>
    Task<StackChanges> UpdateTargetsAsync(StackId stack, IReadOnlyList<string> targets, IProgress<string> progress, CancellationToken cancellationToken);

    Task<IReadOnlyDictionary<string, object?>> GetOutputsAsync(StackId stack, CancellationToken cancellationToken);

    Task CancelAsync(StackId stack, CancellationToken cancellationToken);

    /// <summary>Deletes every resource of the stack (<c>pulumi destroy</c>); the stack itself and its history remain.</summary>
    Task<StackChanges> DestroyAsync(StackId stack, IProgress<string> progress, CancellationToken cancellationToken);

    /// <summary>
    /// Removes the (destroyed) stack from the backend (<c>pulumi stack rm</c>, which also deletes its
    /// <c>Pulumi.&lt;stack&gt;.yaml</c>). A stack that does not exist is already removed: nothing to do.
    /// </summary>
    Task RemoveAsync(StackId stack, CancellationToken cancellationToken);
}
