using System.Text.Json;
using System.Text.Json.Nodes;
using RingInfra.Core.Fleet;
using RingInfra.Core.Kube;
using RingInfra.Core.Locks;

namespace RingCtl.Stacks;

/// <summary>
/// <c>RINGCTL_STACK_RUNNER=simulate</c>: every stack step against a local simulation under
/// <c>.ringctl/simulated-stacks/</c> instead of Pulumi — config is written to the stack file by the same code
/// as the real runner's (so a rehearsal leaves the files a real run would), an update "deploys" the tenants and the lock as they are
/// then, outputs report them (none before the first update). A rehearsal of a pipeline with no backend, and
/// what the CI-script tests run the online steps against. Every call is appended to <c>calls.log</c>.
/// </summary>
public sealed class SimulatedStackRunner : IStackRunner
{
    private readonly string _root;
    private readonly string _dir;
    private readonly Lock _gate = new();

    public SimulatedStackRunner(string repositoryRoot)
    {
        _root = repositoryRoot;
        _dir = Path.Combine(repositoryRoot, ".ringctl", "simulated-stacks");
        PrivateFiles.Folder(_dir);
    }

    private string StateFile(StackId stack) => Path.Combine(_dir, (stack.Shared ? "shared-" : "ring-") + stack.Name + ".json");

    private JsonObject Load(StackId stack) => File.Exists(StateFile(stack)) ? (JsonObject)JsonNode.Parse(File.ReadAllText(StateFile(stack)))! : new JsonObject();

    private void Save(StackId stack, JsonObject state) => PrivateFiles.Write(StateFile(stack), state.ToJsonString(JsonOptions.Indented));

    private void Log(string call)
    {
        lock (_gate)
        {
            PrivateFiles.Append(Path.Combine(_dir, "calls.log"), call + "\n");
        }
    }

    public Task SelectOrCreateAsync(StackId stack, CancellationToken cancellationToken)
    {
        Log($"select {stack.Name}");
        Save(stack, Load(stack));
        return Task.CompletedTask;
    }

    /// <summary>Writes the stack file exactly as the Automation API runner does: the same <see cref="StackConfigFile.Set"/>.</summary>
    public Task SetConfigAsync(StackId stack, string key, string value, CancellationToken cancellationToken)
    {
        Log($"config {stack.Name} {key}={value}");
        StackConfigFile.Set(_root, stack, key, StackConfigFile.Parse(value));
        return Task.CompletedTask;
    }

    /// <summary>
    /// The stack file gets a <c>secure:</c> entry as a real run leaves one — a random stand-in, never the value or a
    /// hash of it (the simulation encrypts nothing); the value itself is kept in the simulation's private state.
    /// </summary>
    public Task SetSecretConfigAsync(StackId stack, string key, string value, CancellationToken cancellationToken)
    {
        Log($"config-secret {stack.Name} {key}");
        StackConfigFile.Set(_root, stack, key, new JsonObject { ["secure"] = "v1:simulated:" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)) });
        lock (_gate)
        {
            var state = Load(stack);
            var secrets = state["secretConfig"] as JsonObject ?? [];
            secrets[key] = value;
            state["secretConfig"] = secrets;
            Save(stack, state);
        }

        return Task.CompletedTask;
    }

    public Task<StackChanges> PreviewAsync(StackId stack, IProgress<string> progress, CancellationToken cancellationToken)
    {
        Log($"preview {stack.Name}");
        return Task.FromResult(new StackChanges(0, 0, 0, 0, 0, "(simulated preview: no engine diff)"));
    }

    public Task<StackChanges> UpdateReplacingAsync(StackId stack, IReadOnlyList<string> replace, IProgress<string> progress, CancellationToken cancellationToken)
    {
        Log($"replace {stack.Name} {string.Join(' ', replace)}");
        return UpdateAsync(stack, progress, cancellationToken);
    }

    /// <summary>
    /// A targeted update of one cluster: logged with its targets; the stack's outputs stay as they were (nothing relies on
    /// a targeted update refreshing them; the ring's last cluster is a plain update, which does).
    /// </summary>
    public Task<StackChanges> UpdateTargetsAsync(StackId stack, IReadOnlyList<string> targets, IProgress<string> progress, CancellationToken cancellationToken)
    {
        Log($"update-targets {stack.Name} {string.Join(' ', targets)}");
        progress.Report($"(simulated) {stack} updated: {targets.Count} target(s) and their dependents");
        return Task.FromResult(new StackChanges(0, 1, 0, 0, 0));
    }

    public Task<StackChanges> UpdateAsync(StackId stack, IProgress<string> progress, CancellationToken cancellationToken)
    {
        Log($"update {stack.Name}");
        var state = Load(stack);
        if (stack.Shared)
        {
            state["revision"] = (Node.AsInt(state["revision"]) ?? 0) + 1;
        }
        else
        {
            // As the engine does: the program reads the tenants from the stack's own config file.
            var tenants = StackConfigFile.ReadAssignment(_root, stack).Tenants;
            var lockText = File.ReadAllText(Path.Combine(_root, "stacks", "locks", $"{stack.Name}.lock.json"));
            state["deployed"] = new JsonObject
            {
                ["tenants"] = new JsonArray([.. tenants.Order(StringComparer.Ordinal).Select(t => (JsonNode?)JsonValue.Create(t))]),
                ["lockHash"] = ModuleLockParser.Parse(lockText, stack.Name, stack.Name).Hash,
                ["secretsRevision"] = "sim-" + (Node.AsInt(Load(StackId.SharedStack())["revision"]) ?? 0),
            };
        }

        Save(stack, state);
        progress.Report($"(simulated) {stack} updated");
        return Task.FromResult(new StackChanges(0, 1, 0, 0, 0));
    }

    public Task<IReadOnlyDictionary<string, object?>> GetOutputsAsync(StackId stack, CancellationToken cancellationToken)
    {
        Log($"outputs {stack.Name}");
        var state = Load(stack);
        IReadOnlyDictionary<string, object?> outputs = stack.Shared
            ? Node.AsInt(state["revision"]) is { } revision ? new Dictionary<string, object?> { ["secretsRevision"] = "sim-" + revision } : new Dictionary<string, object?>()
            : state["deployed"] is JsonObject d
                ? new Dictionary<string, object?>
                {
                    ["ring"] = stack.Name,
                    ["tenants"] = d["tenants"]!.AsArray().Select(t => (object?)t!.ToString()).ToArray(),
                    ["lockHash"] = d["lockHash"]!.ToString(),
                    ["secretsRevision"] = d["secretsRevision"]!.ToString(),
                }
                : new Dictionary<string, object?>();
        return Task.FromResult(outputs);
    }

    public Task CancelAsync(StackId stack, CancellationToken cancellationToken)
    {
        Log($"cancel {stack.Name}");
        return Task.CompletedTask;
    }

    public Task<StackChanges> DestroyAsync(StackId stack, IProgress<string> progress, CancellationToken cancellationToken)
    {
        Log($"destroy {stack.Name}");
        var state = Load(stack);
        state.Remove("deployed");
        Save(stack, state);
        progress.Report($"(simulated) {stack} destroyed");
        return Task.FromResult(new StackChanges(0, 0, 0, 1, 0));
    }

    /// <summary>As <c>pulumi stack rm</c>: the stack's state and its settings file are gone.</summary>
    public Task RemoveAsync(StackId stack, CancellationToken cancellationToken)
    {
        Log($"remove {stack.Name}");
        File.Delete(StateFile(stack));
        File.Delete(StackConfigFile.PathOf(_root, stack));
        return Task.CompletedTask;
    }
}
