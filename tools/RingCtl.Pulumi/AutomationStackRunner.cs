using System.Collections.Concurrent;
using System.Collections.Immutable;
using Pulumi.Automation;
using Pulumi.Automation.Commands.Exceptions;
using RingCtl.Stacks;

namespace RingCtl.Pulumi;

/// <summary>
/// <see cref="IStackRunner"/> over the Automation API: a LocalWorkspace on the repository's own
/// <c>Pulumi.yaml</c> (ring stacks) or <c>stacks/shared/Pulumi.yaml</c> (the shared stack) and their
/// stack files. Backend and passphrase follow <see cref="StackEnvironment"/>.
/// </summary>
public sealed class AutomationStackRunner : IStackRunner
{
    private readonly string _root;
    private readonly IReadOnlyDictionary<string, string?> _environment;
    private readonly ConcurrentDictionary<StackId, WorkspaceStack> _stacks = new();

    public AutomationStackRunner(string repositoryRoot)
    {
        _root = repositoryRoot;
        _environment = StackEnvironment.For(repositoryRoot, Environment.GetEnvironmentVariable);
    }

    public async Task SelectOrCreateAsync(StackId stack, CancellationToken cancellationToken) =>
        await GetAsync(stack, cancellationToken).ConfigureAwait(false);

    public async Task SetConfigAsync(StackId stack, string key, string value, CancellationToken cancellationToken)
    {
        var s = await GetAsync(stack, cancellationToken).ConfigureAwait(false);
        await Guard(stack, async () =>
        {
            if (!ConfigPaths.IsStructured(value))
            {
                await s.SetConfigAsync(key, new ConfigValue(value), cancellationToken).ConfigureAwait(false);
                return 0;
            }

            var all = await s.GetAllConfigAsync(cancellationToken).ConfigureAwait(false);
            if (all.ContainsKey(key))
            {
                await s.RemoveConfigAsync(key, cancellationToken).ConfigureAwait(false);
            }

            foreach (var (path, leaf) in ConfigPaths.Flatten(key, value))
            {
                await s.SetConfigAsync(path, new ConfigValue(leaf), path: true, cancellationToken).ConfigureAwait(false);
            }

            return 0;
        }).ConfigureAwait(false);
    }

    public async Task<StackChanges> PreviewAsync(StackId stack, IProgress<string> progress, CancellationToken cancellationToken)
    {
        var s = await GetAsync(stack, cancellationToken).ConfigureAwait(false);
        var result = await Guard(stack, () => s.PreviewAsync(new PreviewOptions { Diff = true, OnStandardOutput = progress.Report }, cancellationToken)).ConfigureAwait(false);
        return Changes(result.ChangeSummary, result.StandardOutput);
    }

    public async Task<StackChanges> UpdateAsync(StackId stack, IProgress<string> progress, CancellationToken cancellationToken)
    {
        var s = await GetAsync(stack, cancellationToken).ConfigureAwait(false);
        var result = await Guard(stack, () => s.UpAsync(new UpOptions { OnStandardOutput = progress.Report }, cancellationToken)).ConfigureAwait(false);
        if (result.Summary.Result != UpdateState.Succeeded)
        {
            throw new StackUpdateFailedException(stack, $"update ended {result.Summary.Result}: {result.Summary.Message}");
        }

        return Changes(result.Summary.ResourceChanges ?? ImmutableDictionary<OperationType, int>.Empty, "");
    }

    public async Task<IReadOnlyDictionary<string, object?>> GetOutputsAsync(StackId stack, CancellationToken cancellationToken)
    {
        var s = await GetAsync(stack, cancellationToken).ConfigureAwait(false);
        var outputs = await Guard(stack, () => s.GetOutputsAsync(cancellationToken)).ConfigureAwait(false);
        // Secret outputs are never handed out: ringctl only reads plain ones (tenants, lockHash, secretsRevision).
        return outputs.Where(o => !o.Value.IsSecret).ToDictionary(o => o.Key, o => (object?)o.Value.Value, StringComparer.Ordinal);
    }

    public async Task CancelAsync(StackId stack, CancellationToken cancellationToken)
    {
        var s = await GetAsync(stack, cancellationToken).ConfigureAwait(false);
        await Guard(stack, async () =>
        {
            await s.CancelAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }).ConfigureAwait(false);
    }

    private async Task<WorkspaceStack> GetAsync(StackId stack, CancellationToken cancellationToken)
    {
        if (_stacks.TryGetValue(stack, out var existing))
        {
            return existing;
        }

        var workDir = stack.Shared ? Path.Combine(_root, "stacks", "shared") : _root;
        var created = await Guard(stack, () => LocalWorkspace.CreateOrSelectStackAsync(new LocalProgramArgs(stack.Name, workDir)
        {
            EnvironmentVariables = new Dictionary<string, string?>(_environment),
            SecretsProvider = "passphrase",
        }, cancellationToken)).ConfigureAwait(false);
        return _stacks.GetOrAdd(stack, created);
    }

    private static async Task<T> Guard<T>(StackId stack, Func<Task<T>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (ConcurrentUpdateException e)
        {
            throw new StackBusyException(stack, e);
        }
        catch (CommandException e)
        {
            throw new StackUpdateFailedException(stack, e.Message, e);
        }
    }

    private static StackChanges Changes(IImmutableDictionary<OperationType, int> summary, string diff)
    {
        int Count(params OperationType[] types) => types.Sum(t => summary.TryGetValue(t, out var n) ? n : 0);
        return new StackChanges(
            Count(OperationType.Create),
            Count(OperationType.Update),
            Count(OperationType.Replace, OperationType.CreateReplacement),
            Count(OperationType.Delete),
            Count(OperationType.Same),
            diff);
    }
}
