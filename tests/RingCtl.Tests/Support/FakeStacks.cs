using System.Collections.Concurrent;
using RingCtl.Stacks;
using RingInfra.Core.Config;
using RingInfra.Core.Fleet;
using RingInfra.Core.Locks;

namespace RingCtl.Tests.Support;

/// <summary>
/// A stand-in for the Pulumi engine behind <see cref="IStackRunner"/> (the real one cannot run here): config is
/// written to the stack file with the runners' own <see cref="StackConfigFile"/>, and an update "deploys" what
/// the engine would read — the stack file's tenants and the lock file as they are on disk at that moment — so
/// tests can check that stacks end up where the registry says.
/// Every call is recorded; one call can be made to fail.
/// </summary>
public sealed class FakeStacks : IStackRunner
{
    private readonly string _root;
    private readonly ConcurrentDictionary<string, (IReadOnlyList<string> Tenants, string LockHash, string Revision)> _deployed = new();
    private int _calls;
    private int _sharedRevision;

    public FakeStacks(string root)
    {
        _root = root;
    }

    /// <summary>1-based number of the call that throws (0: none).</summary>
    public int FailAt { get; set; }

    /// <summary>Awaited inside every update (lets a test hold an update open).</summary>
    public Func<Task>? DuringUpdate { get; set; }

    public ConcurrentQueue<string> Calls { get; } = new();

    public (IReadOnlyList<string> Tenants, string LockHash, string Revision)? Deployed(string ring) =>
        _deployed.TryGetValue(ring, out var d) ? d : null;

    private void Record(string call)
    {
        Calls.Enqueue(call);
        if (Interlocked.Increment(ref _calls) == FailAt)
        {
            throw new StackUpdateFailedException(StackId.Ring("injected"), $"injected failure at call {FailAt} ({call})");
        }
    }

    public Task SelectOrCreateAsync(StackId stack, CancellationToken cancellationToken)
    {
        Record($"select {stack.Name}");
        return Task.CompletedTask;
    }

    public Task SetConfigAsync(StackId stack, string key, string value, CancellationToken cancellationToken)
    {
        Record($"config {stack.Name} {key}={value}");
        StackConfigFile.Set(_root, stack, key, StackConfigFile.Parse(value));
        return Task.CompletedTask;
    }

    /// <summary>Records the key only (as a real log would); the value is kept for the test to compare, never in <see cref="Calls"/>.</summary>
    public Task SetSecretConfigAsync(StackId stack, string key, string value, CancellationToken cancellationToken)
    {
        Record($"config-secret {stack.Name} {key}");
        SecretConfig[(stack.Name, key)] = value;
        StackConfigFile.Set(_root, stack, key, new System.Text.Json.Nodes.JsonObject { ["secure"] = "v1:fake" });
        return Task.CompletedTask;
    }

    /// <summary>Secret config set through <see cref="SetSecretConfigAsync"/>, by (stack, key).</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<(string Stack, string Key), string> SecretConfig { get; } = new();

    public Task<StackChanges> PreviewAsync(StackId stack, IProgress<string> progress, CancellationToken cancellationToken)
    {
        Record($"preview {stack.Name}");
        return Task.FromResult(StackChanges.None);
    }

    public Task<StackChanges> UpdateReplacingAsync(StackId stack, IReadOnlyList<string> replace, IProgress<string> progress, CancellationToken cancellationToken)
    {
        Record($"replace {stack.Name} {string.Join(' ', replace)}");
        return UpdateAsync(stack, progress, cancellationToken);
    }

    /// <summary>Records the cluster a targeted update names (from its provider's URN); deploys nothing the outputs show.</summary>
    public Task<StackChanges> UpdateTargetsAsync(StackId stack, IReadOnlyList<string> targets, IProgress<string> progress, CancellationToken cancellationToken)
    {
        var provider = targets.First(t => t.Contains("::pulumi:providers:kubernetes::", StringComparison.Ordinal));
        Record($"update-targets {stack.Name} {provider[(provider.LastIndexOf("::kubernetes-", StringComparison.Ordinal) + "::kubernetes-".Length)..]}");
        return Task.FromResult(new StackChanges(0, 1, 0, 0, 30));
    }

    public async Task<StackChanges> UpdateAsync(StackId stack, IProgress<string> progress, CancellationToken cancellationToken)
    {
        Record($"update {stack.Name}");
        if (DuringUpdate is not null)
        {
            await DuringUpdate();
        }

        if (stack.Shared)
        {
            Interlocked.Increment(ref _sharedRevision);
            return StackChanges.None;
        }

        var tenants = StackConfigFile.ReadAssignment(_root, stack).Tenants;
        var lockHash = ModuleLockParser.Parse(await File.ReadAllTextAsync(Path.Combine(_root, "stacks", "locks", $"{stack.Name}.lock.json"), cancellationToken), stack.Name, stack.Name).Hash;
        _deployed[stack.Name] = ([.. tenants.Order(StringComparer.Ordinal)], lockHash, $"rev-{_sharedRevision}");
        return new StackChanges(0, 1, 0, 0, 30);
    }

    public Task<IReadOnlyDictionary<string, object?>> GetOutputsAsync(StackId stack, CancellationToken cancellationToken)
    {
        Record($"outputs {stack.Name}");
        if (stack.Shared)
        {
            return Task.FromResult<IReadOnlyDictionary<string, object?>>(new Dictionary<string, object?> { ["secretsRevision"] = $"rev-{_sharedRevision}" });
        }

        var d = _deployed.GetValueOrDefault(stack.Name);
        return Task.FromResult<IReadOnlyDictionary<string, object?>>(new Dictionary<string, object?>
        {
            ["ring"] = stack.Name,
            ["tenants"] = d.Tenants?.Cast<object>().ToArray() ?? [],
            ["lockHash"] = d.LockHash,
            ["secretsRevision"] = d.Revision,
        });
    }

    public Task CancelAsync(StackId stack, CancellationToken cancellationToken)
    {
        Record($"cancel {stack.Name}");
        return Task.CompletedTask;
    }

    public Task<StackChanges> DestroyAsync(StackId stack, IProgress<string> progress, CancellationToken cancellationToken)
    {
        Record($"destroy {stack.Name}");
        _deployed.TryRemove(stack.Name, out _);
        return Task.FromResult(new StackChanges(0, 0, 0, 30, 0));
    }

    /// <summary>As <c>pulumi stack rm</c>: the stack's settings file is deleted too.</summary>
    public Task RemoveAsync(StackId stack, CancellationToken cancellationToken)
    {
        Record($"remove {stack.Name}");
        File.Delete(StackConfigFile.PathOf(_root, stack));
        return Task.CompletedTask;
    }
}
