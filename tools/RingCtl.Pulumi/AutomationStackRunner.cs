using System.Collections.Concurrent;
using System.Collections.Immutable;
using Pulumi.Automation;
using Pulumi.Automation.Commands.Exceptions;
using RingCtl.Stacks;
using RingInfra.Core.Config;

namespace RingCtl.Pulumi;

/// <summary>
/// <see cref="IStackRunner"/> over the Automation API: a LocalWorkspace on the repository's own
/// <c>Pulumi.yaml</c> (ring stacks) or <c>stacks/shared/Pulumi.yaml</c> (the shared stack) and their
/// stack files. Backend and passphrase follow <see cref="StackEnvironment"/>.
/// </summary>
public sealed class AutomationStackRunner : IStackRunner
{
    private const string Salt = "encryptionsalt";

    private readonly string _root;
    private readonly IReadOnlyDictionary<string, string?> _environment;
    private readonly bool _embeddedPassphrase;
    private readonly bool _fileBackend;
    private readonly ConcurrentDictionary<StackId, WorkspaceStack> _stacks = new();

    public AutomationStackRunner(string repositoryRoot)
        : this(repositoryRoot, Environment.GetEnvironmentVariable)
    {
    }

    public AutomationStackRunner(string repositoryRoot, Func<string, string?> env)
    {
        ArgumentNullException.ThrowIfNull(env);
        _root = repositoryRoot;
        _environment = StackEnvironment.For(repositoryRoot, env);
        _embeddedPassphrase = _environment.ContainsKey(StackEnvironment.PassphraseFileVariable);
        var backend = _environment.TryGetValue(StackEnvironment.BackendVariable, out var b) ? b : env(StackEnvironment.BackendVariable);
        _fileBackend = backend?.StartsWith("file://", StringComparison.Ordinal) ?? false;
    }

    public async Task SelectOrCreateAsync(StackId stack, CancellationToken cancellationToken) =>
        await GetAsync(stack, cancellationToken).ConfigureAwait(false);

    /// <summary>Writes the stack file itself (<see cref="StackConfigFile"/>): the CLI's <c>config set</c> would retype the value.</summary>
    public async Task SetConfigAsync(StackId stack, string key, string value, CancellationToken cancellationToken)
    {
        await GetAsync(stack, cancellationToken).ConfigureAwait(false);
        StackConfigFile.Set(_root, stack, key, StackConfigFile.Parse(value));
    }

    /// <summary>The CLI encrypts it with the stack's secrets provider (<c>config set --secret</c>); a secret is a string, so no retyping.</summary>
    public async Task SetSecretConfigAsync(StackId stack, string key, string value, CancellationToken cancellationToken)
    {
        var s = await GetAsync(stack, cancellationToken).ConfigureAwait(false);
        await s.SetConfigAsync(key, new ConfigValue(value, isSecret: true), path: false, cancellationToken).ConfigureAwait(false);
    }

    public async Task<StackChanges> PreviewAsync(StackId stack, IProgress<string> progress, CancellationToken cancellationToken)
    {
        var s = await GetAsync(stack, cancellationToken).ConfigureAwait(false);
        var result = await Cancellable(stack, s, () => Guard(stack, () => s.PreviewAsync(new PreviewOptions { Diff = true, OnStandardOutput = progress.Report }, cancellationToken)), cancellationToken).ConfigureAwait(false);
        return Changes(result.ChangeSummary, result.StandardOutput);
    }

    public Task<StackChanges> UpdateAsync(StackId stack, IProgress<string> progress, CancellationToken cancellationToken) =>
        UpdateReplacingAsync(stack, [], progress, cancellationToken);

    public Task<StackChanges> UpdateReplacingAsync(StackId stack, IReadOnlyList<string> replace, IProgress<string> progress, CancellationToken cancellationToken) =>
        UpAsync(stack, new UpOptions { OnStandardOutput = progress.Report, Replace = replace.Count > 0 ? [.. replace] : null }, cancellationToken);

    /// <summary><c>--target</c> for each URN and <c>--target-dependents</c> (Pulumi.Automation's UpOptions.Target, TargetDependents).</summary>
    public Task<StackChanges> UpdateTargetsAsync(StackId stack, IReadOnlyList<string> targets, IProgress<string> progress, CancellationToken cancellationToken) =>
        targets.Count == 0
            ? throw new ArgumentException("a targeted update names at least one URN", nameof(targets))
            : UpAsync(stack, new UpOptions { OnStandardOutput = progress.Report, Target = [.. targets], TargetDependents = true }, cancellationToken);

    private async Task<StackChanges> UpAsync(StackId stack, UpOptions options, CancellationToken cancellationToken)
    {
        var s = await GetAsync(stack, cancellationToken).ConfigureAwait(false);
        var result = await Cancellable(stack, s, () => Guard(stack, () => s.UpAsync(options, cancellationToken)), cancellationToken).ConfigureAwait(false);
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

    public async Task<StackChanges> DestroyAsync(StackId stack, IProgress<string> progress, CancellationToken cancellationToken)
    {
        var s = await GetAsync(stack, cancellationToken).ConfigureAwait(false);
        var result = await Cancellable(stack, s, () => Guard(stack, () => s.DestroyAsync(new DestroyOptions { OnStandardOutput = progress.Report }, cancellationToken)), cancellationToken).ConfigureAwait(false);
        if (result.Summary.Result != UpdateState.Succeeded)
        {
            throw new StackUpdateFailedException(stack, $"destroy ended {result.Summary.Result}: {result.Summary.Message}");
        }

        return Changes(result.Summary.ResourceChanges ?? ImmutableDictionary<OperationType, int>.Empty, "");
    }

    /// <summary><c>pulumi stack rm --yes</c> (LocalWorkspace.RemoveStackAsync), which also deletes the stack's settings file.</summary>
    public async Task RemoveAsync(StackId stack, CancellationToken cancellationToken)
    {
        var s = await GetAsync(stack, cancellationToken).ConfigureAwait(false);
        try
        {
            await Guard(stack, async () =>
            {
                await s.Workspace.RemoveStackAsync(stack.Name, cancellationToken).ConfigureAwait(false);
                return 0;
            }).ConfigureAwait(false);
        }
        catch (StackUpdateFailedException e) when (e.InnerException is StackNotFoundException)
        {
            // Already removed: what a resumed retire finds.
        }

        _stacks.TryRemove(stack, out _);
    }

    private async Task<WorkspaceStack> GetAsync(StackId stack, CancellationToken cancellationToken)
    {
        if (_stacks.TryGetValue(stack, out var existing))
        {
            return existing;
        }

        var created = await Guard(stack, () => LocalWorkspace.CreateOrSelectStackAsync(new LocalProgramArgs(stack.Name, StackConfigFile.ProjectDirectory(_root, stack))
        {
            EnvironmentVariables = new Dictionary<string, string?>(_environment),
            SecretsProvider = "passphrase",
        }, cancellationToken)).ConfigureAwait(false);
        return _stacks.GetOrAdd(stack, created);
    }

    /// <summary>
    /// A cancelled update or preview: the Automation API (CliWrap) kills the CLI, which leaves a file backend's
    /// lock behind; once the CLI has exited, <c>pulumi cancel</c> removes it (the DIY backend deletes the stack's
    /// lock files). A service backend keeps its own lease, so nothing is done there.
    /// </summary>
    private async Task<T> Cancellable<T>(StackId stack, WorkspaceStack s, Func<Task<T>> action, CancellationToken cancellationToken)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && _fileBackend)
        {
            await Guard(stack, async () =>
            {
                await s.CancelAsync(CancellationToken.None).ConfigureAwait(false);
                return 0;
            }).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Maps the CLI's failures to ringctl's, and keeps the embedded passphrase's salt out of tracked files:
    /// the CLI writes <c>encryptionsalt</c> into <c>Pulumi.&lt;stack&gt;.yaml</c> whenever it has none, and a salt
    /// made with one checkout's generated passphrase makes every other checkout fail with "incorrect
    /// passphrase". The state keeps its own salt, and ring files hold no encrypted values, so nothing needs it.
    /// </summary>
    private async Task<T> Guard<T>(StackId stack, Func<Task<T>> action)
    {
        var file = StackConfigFile.PathOf(_root, stack);
        if (_embeddedPassphrase)
        {
            RefuseEncryptedValues(stack, file);
            StripSalt(file);
        }

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
        finally
        {
            if (_embeddedPassphrase)
            {
                StripSalt(file);
            }
        }
    }

    private static void StripSalt(string file)
    {
        if (File.Exists(file) && File.ReadAllText(file) is var text && StackFileEditor.HasTopLevel(text, Salt))
        {
            StackConfigFile.WriteAtomically(file, StackFileEditor.RemoveTopLevel(text, Salt));
        }
    }

    private static void RefuseEncryptedValues(StackId stack, string file)
    {
        if (File.Exists(file) && File.ReadAllText(file).Contains("secure:", StringComparison.Ordinal))
        {
            throw new StackUpdateFailedException(stack,
                $"{Path.GetFileName(file)} holds encrypted config, which ringctl's generated passphrase cannot read: set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE to the team's passphrase (README \"Passphrase and team setup\")");
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
