using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using RingCtl.Cli;
using RingCtl.Operations;
using RingCtl.Registry;
using RingCtl.Stacks;
using RingInfra.Core.Promotion;
using Spectre.Console;

namespace RingCtl.Commands;

/// <summary><c>verify</c>, <c>reconcile</c>, <c>secrets sync</c>, <c>history</c>, <c>up</c> and <c>db migrate</c>.</summary>
public static class OperationCommands
{
    public static Command Verify(CliContext context, GlobalOptions globals)
    {
        var ring = new Argument<string>("ring") { Description = "The ring" };
        var url = new Option<string?>("--url") { Description = "Base URL of the ring (default: http://nginx.<namespace>.svc.cluster.local; with --metrics only when given)" };
        var metrics = new Option<bool>("--metrics") { Description = "Watch the ring's metric gates (ring-infra:gates) on Prometheus, failing at the first broken bound" };
        var duration = new Option<string>("--for") { Description = "How long --metrics watches (30m, 1h)", DefaultValueFactory = _ => "10m" };
        var rollbackOnFailure = new Option<bool>("--rollback-on-failure") { Description = "When --metrics fails: roll the ring's last promotion back, then each gates.onFailure.rollback ring that runs the same version" };
        var approvedBy = CommonOptions.ApprovedBy();
        var (yes, reason, dryRun) = (CommonOptions.Yes(), CommonOptions.Reason(), CommonOptions.DryRun());
        dryRun.Description = "Check the ring's health (and metrics) but keep a hold and roll nothing back (nothing is written)";
        var command = new Command("verify", "Check the ring's /api/health reports its own name and lock path, and with --metrics its metric gates; clears a hold (logged)")
            { ring, url, metrics, duration, rollbackOnFailure, approvedBy, yes, reason, dryRun };
        command.SetAction(async (parse, ct) =>
        {
            var forText = parse.GetValue(duration)!;
            var watchFor = RingInfra.Core.Config.RingConfigBinder.ParseDuration(forText) is { } d && d <= TimeSpan.FromDays(1)
                ? d : throw new CommandException(ExitCodes.Usage, $"--for: must be a duration up to 1d such as 10m or 1h (got {forText})");
            var consent = ChangeGuard.Consent.Parse(null, parse.GetValue(approvedBy), parse.GetValue(reason));
            await using var session = await RegistrySession.OpenAsync(parse, globals, context, ct).ConfigureAwait(false);
            var ops = session.Operations;
            var name = parse.GetValue(ring)!;
            var record = await ops.Registry.FindRingAsync(name, ct).ConfigureAwait(false)
                ?? throw new CommandException(ExitCodes.Usage, $"ring: '{name}' is not a ring of the registry");
            var data = new JsonObject { ["ring"] = name };
            var said = new List<string>();
            var clustered = (await ops.LoadFleetAsync(ct).ConfigureAwait(false)).Find(name) is { Config.HasClusters: true } withClusters ? withClusters : null;
            if (clustered is not null && (!parse.GetValue(metrics) || parse.GetValue(url) is not null))
            {
                // Each cluster through its own address: --url with $cluster/$region, else the cluster's url.
                ClusterVerification.CheckTemplate(parse.GetValue(url), clustered);
                var checkedClusters = new JsonArray();
                foreach (var cluster in clustered.Config.Clusters)
                {
                    var at = ClusterVerification.Url(parse.GetValue(url), cluster) ?? throw new CommandException(ExitCodes.Usage,
                        $"verify {name}: {cluster.Describe()} has no address: give --url with $cluster or $region, or set its url in clusters");
                    var report = await RingHealth.CheckAsync(context.Http, at, name, clustered.Config.PodLockPath, clustered.Config.Health.Custom, ct).ConfigureAwait(false);
                    checkedClusters.Add(new JsonObject { ["cluster"] = cluster.Name, ["region"] = cluster.Region, ["url"] = report.Url, ["status"] = report.Status });
                    said.Add($"{cluster.Describe()}: {report.Url} ok, ring {report.Ring}, lock {report.LockPath}");
                }

                data["clusters"] = checkedClusters;
            }
            else if (!parse.GetValue(metrics) || parse.GetValue(url) is not null)
            {
                var custom = (await ops.LoadFleetAsync(ct).ConfigureAwait(false)).Find(name)?.Config.Health.Custom ?? [];
                var report = await RingHealth.CheckAsync(context.Http, parse.GetValue(url) ?? $"http://{record.K8sService}", name, $"modules/manifests/{name}.lock.json", custom, ct).ConfigureAwait(false);
                (data["url"], data["status"], data["lockPath"]) = (report.Url, report.Status, report.LockPath);
                data["customChecks"] = JsonOutput.Strings(report.Custom);
                said.Add($"{report.Url} ok, ring {report.Ring}, lock {report.LockPath}" + (report.Custom.Count > 0 ? $", custom checks ok: {string.Join(", ", report.Custom)}" : ""));
            }

            if (parse.GetValue(metrics))
            {
                var def = (await ops.LoadFleetAsync(ct).ConfigureAwait(false)).Find(name)
                    ?? throw new CommandException(ExitCodes.Usage, $"ring: '{name}' has no stack file in this repository");
                var watch = new MetricWatch(ops);
                var result = await watch.WatchAsync(def, watchFor, ct).ConfigureAwait(false);
                data["checks"] = result.Checks;
                if (result.Failed is { } failed)
                {
                    var rolled = parse.GetValue(rollbackOnFailure) && !parse.GetValue(dryRun)
                        ? await watch.RollBackAsync(def, consent, $"verify --metrics failed: {failed.Failure}", ct).ConfigureAwait(false)
                        : [];
                    if (!parse.GetValue(dryRun))
                    {
                        // Held after any rollback (a successful rollback clears a hold): promotions out of it wait for a passing verify.
                        await ops.Registry.SetHeldAsync(name, $"verify --metrics: {failed.Failure}", ct).ConfigureAwait(false);
                    }

                    throw new CommandException(ExitCodes.GateRefused, $"verify {name}: {failed.Failure}"
                        + (parse.GetValue(dryRun) ? "" : $"; {name} is held until it verifies again")
                        + (rolled.Count > 0 ? $"; rolled back: {string.Join("; ", rolled)}" : ""));
                }

                said.Add($"its metric gates held for {forText} ({result.Checks} checks)");
            }

            var released = record.Held && !parse.GetValue(dryRun);
            if (released)
            {
                // Releasing a hold lets promotions out of the ring again: the log keeps who released it, and why it was held.
                await ops.Registry.SetHeldAsync(name, null, ct).ConfigureAwait(false);
                await ops.Log.RecordAsync(new OperationIntent("hold-release", [name], ops.Actor,
                    $"verify passed: {string.Join("; ", said)}; it was held: {record.HeldReason ?? "no reason recorded"}{(parse.GetValue(reason) is { Length: > 0 } why ? "; " + why : "")}"), ct).ConfigureAwait(false);
            }

            data["released"] = released;
            TenantCommands.Report(context, parse.GetValue(globals.Json), data,
                $"{name}: {string.Join("; ", said)}{(record.Held ? parse.GetValue(dryRun) ? "; still held (--dry-run)" : "; hold released" : "")}");
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Reconcile(CliContext context, GlobalOptions globals)
    {
        var apply = new Option<bool>("--apply") { Description = "Resume or abandon the unfinished operations and remove the drift (default: only report)" };
        var (yes, reason, dryRun) = (CommonOptions.Yes(), CommonOptions.Reason(), CommonOptions.DryRun());
        dryRun.Description = "Only report (the default without --apply)";
        var commit = CommonOptions.Commit();
        var command = new Command("reconcile", "Resolve operations a dead run left unfinished; report drift between registry and repository, and remove it with --apply") { apply, yes, reason, dryRun, commit };
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(apply) && parse.GetValue(dryRun))
            {
                throw new CommandException(ExitCodes.Usage, "reconcile: --apply acts and --dry-run only reports; give one of them");
            }

            await using var session = await RegistrySession.OpenAsync(parse, globals, context, ct).ConfigureAwait(false);
            var written = RepositoryChanges.Begin(session.Root, parse.GetValue(commit) && parse.GetValue(apply));
            var findings = await new Reconciler(session.Operations).RunAsync(parse.GetValue(apply), ct, parse.GetValue(reason) ?? "").ConfigureAwait(false);
            if (written.Finish("reconcile: what resumed operations and the registry wrote", session.Operations.Actor).Text is { } note)
            {
                context.Err.WriteLine(note);
            }
            if (parse.GetValue(globals.Json))
            {
                JsonOutput.Write(context, new JsonArray([.. findings.Select(f => (JsonNode?)new JsonObject { ["kind"] = f.Kind, ["subject"] = f.Subject, ["detail"] = f.Detail, ["action"] = f.Action })]));
            }
            else
            {
                foreach (var f in findings)
                {
                    context.Out.WriteLine($"{f.Kind} {f.Subject}: {f.Detail} -> {f.Action}");
                }

                var left = findings.Count(f => f.Kind is not ("pending" or "drift"));
                context.Err.WriteLine($"reconcile: {findings.Count(f => f.Kind == "pending")} unfinished operation(s), {findings.Count(f => f.Kind == "drift")} drift finding(s)"
                    + (left > 0 ? $", {left} finding(s) reconcile does not change" : "") + (parse.GetValue(apply) ? "" : " (report only; --apply to act)"));
            }

            // The worst outcome wins: an infrastructure failure, then a policy refusal, then another gate's.
            var exits = findings.Select(f => f.Exit).Where(e => e != 0).ToList();
            return exits.Count == 0 ? ExitCodes.Ok
                : exits.Contains(ExitCodes.Infrastructure) ? ExitCodes.Infrastructure
                : exits.Contains(ExitCodes.PolicyViolation) ? ExitCodes.PolicyViolation
                : exits.Max();
        });
        return command;
    }

    public static Command Secrets(CliContext context, GlobalOptions globals)
    {
        var (yes, reason) = (CommonOptions.Yes(), CommonOptions.Reason());
        var (overrides, approvedBy) = (CommonOptions.Override(), CommonOptions.ApprovedBy());
        var dryRun = CommonOptions.DryRun();
        dryRun.Description = "Decide the gates and say what would be updated; change nothing";
        var commit = CommonOptions.Commit();
        var sync = new Command("sync", "Update the shared stack, then every active ring in rollout order; check each carries the new secrets revision (runs inside a freeze window; the log notes it)") { overrides, approvedBy, yes, reason, dryRun, commit };
        sync.SetAction(async (parse, ct) =>
        {
            var consent = ChangeGuard.Consent.Parse(parse.GetValue(overrides), parse.GetValue(approvedBy), parse.GetValue(reason));
            await using var session = await RegistrySession.OpenAsync(parse, globals, context, ct).ConfigureAwait(false);
            var rollout = new Rollout(session.Operations);
            var rings = await rollout.ActiveAsync((await session.Operations.LoadFleetAsync(ct).ConfigureAwait(false)).Rings, ct).ConfigureAwait(false);
            if (parse.GetValue(dryRun))
            {
                return DryRun(context, parse.GetValue(globals.Json), "secrets sync", await rollout.DecideAsync(ChangePath.SecretsSync, rings, consent, ct).ConfigureAwait(false), rings,
                    $"would update the shared stack, then {string.Join(", ", rings.Select(r => r.Name))}");
            }

            var written = RepositoryChanges.Begin(session.Root, parse.GetValue(commit));
            Confirmation.Require(context, $"update the shared stack and {rings.Count} ring stack(s)?", parse.GetValue(yes));
            var (id, revision) = await rollout.SecretsSyncAsync(rings, consent, parse.GetValue(reason)!, ct).ConfigureAwait(false);
            TenantCommands.Done(context, parse.GetValue(globals.Json), new JsonObject { ["operation"] = id, ["secretsRevision"] = revision, ["rings"] = JsonOutput.Strings(Rollout.Order(rings).Select(r => r.Name)) },
                $"secrets revision {revision} rolled through {string.Join(", ", Rollout.Order(rings).Select(r => r.Name))} (operation #{id})",
                written, $"sync({string.Join(",", Rollout.Order(rings).Select(r => r.Name))}): stack files from the registry", session.Operations.Actor);
            return ExitCodes.Ok;
        });
        return new Command("secrets", "The shared stack's secrets") { sync, Import(context, globals), Rotate(context, globals) };
    }

    private const string AppKeyOverride = RingInfra.Core.Shared.CredentialRotation.AppKeyOverride;

    /// <summary>
    /// <c>secrets rotate KEY… --reason … [--from-file F…] [--override app-key]</c>: a generated key is regenerated (its
    /// Pulumi.Random resource replaced), an imported one takes its new value from a Secret manifest; then the shared stack
    /// and every ring are updated as a sync, through the sync's gates. Everything is checked before any stack is touched.
    /// </summary>
    private static Command Rotate(CliContext context, GlobalOptions globals)
    {
        var keys = new Argument<string[]>("keys") { Description = "App secret keys (REDIS_PASSWORD) or their config keys (redisPassword)", Arity = ArgumentArity.OneOrMore };
        var fromFile = new Option<string[]>("--from-file") { Description = "Secret manifests with the new values of imported keys (kubectl get secret … -o yaml, or stringData)", AllowMultipleArgumentsPerToken = true };
        var (yes, reason) = (CommonOptions.Yes(), CommonOptions.Reason());
        var (overrides, approvedBy) = (CommonOptions.Override(), CommonOptions.ApprovedBy());
        overrides.Description += $"; {AppKeyOverride} allows rotating APP_KEY";
        var dryRun = CommonOptions.DryRun();
        dryRun.Description = "Decide the gates and say what would be rotated; change nothing (needs no Pulumi)";
        var commit = CommonOptions.Commit();
        var command = new Command("rotate", "Rotate shared credentials: regenerate generated ones, set imported ones from --from-file, then roll the shared stack and every ring as a sync")
        {
            keys, fromFile, overrides, approvedBy, yes, reason, dryRun, commit,
        };
        command.SetAction(async (parse, ct) =>
        {
            var given = (parse.GetValue(overrides) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var appKeyAllowed = given.Contains(AppKeyOverride, StringComparer.Ordinal);
            var gateOverrides = string.Join(",", given.Where(g => g != AppKeyOverride));
            if (string.IsNullOrWhiteSpace(parse.GetValue(reason)))
            {
                throw new CommandException(ExitCodes.Usage, "secrets rotate: --reason is required (the log records why credentials were rotated)");
            }

            var consent = ChangeGuard.Consent.Parse(gateOverrides.Length == 0 ? null : gateOverrides, parse.GetValue(approvedBy), parse.GetValue(reason));
            var root = RepositoryRoot.Find(parse.GetValue(globals.Root), context.WorkingDirectory);
            var rotation = PlanRotation(context, root, parse.GetValue(keys) ?? [], parse.GetValue(fromFile) ?? [], appKeyAllowed);
            await using var session = await RegistrySession.OpenAsync(parse, globals, context, ct).ConfigureAwait(false);
            var rollout = new Rollout(session.Operations);
            var rings = await rollout.ActiveAsync((await session.Operations.LoadFleetAsync(ct).ConfigureAwait(false)).Rings, ct).ConfigureAwait(false);
            var summary = $"rotate {string.Join(", ", rotation.Keys)} ({(rotation.Replace.Count > 0 ? "regenerated: " + rotation.Replace.Count : "")}{(rotation.Replace.Count > 0 && rotation.Imported.Count > 0 ? ", " : "")}{(rotation.Imported.Count > 0 ? "set from --from-file: " + rotation.Imported.Count : "")})";
            if (parse.GetValue(dryRun))
            {
                return DryRun(context, parse.GetValue(globals.Json), "secrets rotate", await rollout.DecideAsync(ChangePath.SecretsSync, rings, consent, ct).ConfigureAwait(false), rings,
                    $"would {summary}, update the shared stack, then {string.Join(", ", Rollout.Order(rings).Select(r => r.Name))}");
            }

            var written = RepositoryChanges.Begin(session.Root, parse.GetValue(commit));
            Confirmation.Require(context, $"{summary} and update the shared stack and {rings.Count} ring stack(s)?", parse.GetValue(yes));
            var (id, revision) = await rollout.SecretsRotateAsync(rings, rotation, consent, parse.GetValue(reason)!, ct).ConfigureAwait(false);
            TenantCommands.Done(context, parse.GetValue(globals.Json),
                new JsonObject { ["operation"] = id, ["rotated"] = JsonOutput.Strings(rotation.Keys), ["secretsRevision"] = revision, ["rings"] = JsonOutput.Strings(Rollout.Order(rings).Select(r => r.Name)) },
                $"rotated {string.Join(", ", rotation.Keys)}; secrets revision {revision} rolled through {string.Join(", ", Rollout.Order(rings).Select(r => r.Name))} (operation #{id})",
                written, $"rotate({string.Join(",", rotation.Keys)}): the shared stack's secret config", session.Operations.Actor);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Decides, from the shared stack file, how each key is rotated; every problem is a usage error (exit 2) before any stack or registry.</summary>
    private static RingInfra.Core.Shared.CredentialRotation PlanRotation(CliContext context, string root, string[] names, string[] files, bool appKeyAllowed)
    {
        RingInfra.Core.Shared.SharedStackSettings settings;
        RingInfra.Core.Shared.SecretImportPlan? values = null;
        try
        {
            settings = RingInfra.Core.Fleet.FleetLoader.LoadSharedSettings(new RingInfra.Core.Fleet.DirectoryFiles(root));
            if (files.Length > 0)
            {
                values = RingInfra.Core.Shared.SecretImport.Plan([.. files.Select(f => Path.GetFullPath(f, context.WorkingDirectory)).Select(f => File.Exists(f)
                    ? new KeyValuePair<string, string>(Path.GetFileName(f), File.ReadAllText(f))
                    : throw new CommandException(ExitCodes.Usage, $"secrets rotate: --from-file {f} does not exist"))]);
            }
        }
        catch (RingInfra.Core.Config.RingConfigException e)
        {
            throw new CommandException(ExitCodes.Usage, "secrets rotate: invalid input:" + Environment.NewLine + string.Join(Environment.NewLine, e.Problems.Select(p => "  " + p.Message)));
        }

        var plan = RingInfra.Core.Shared.CredentialRotation.Plan(settings, names, values, appKeyAllowed, "shared");
        if (plan.Problems.Count > 0)
        {
            throw new CommandException(ExitCodes.Usage, "secrets rotate:" + Environment.NewLine + string.Join(Environment.NewLine, plan.Problems.Select(p => "  " + p)));
        }

        if (plan.Keys.Contains("APP_KEY"))
        {
            context.Err.WriteLine("warning: APP_KEY is rotated: data encrypted under the old key (encrypted columns and casts, sessions, signed URLs) can no longer be read");
        }

        return plan;
    }

    /// <summary>
    /// <c>secrets import FILE… [--dry-run]</c>: adopts an existing platform's secrets (issue 15). Every file is read and
    /// checked before any stack is touched; each key the shared stack knows becomes its secret config through the
    /// Automation API, and only key names are ever printed.
    /// </summary>
    private static Command Import(CliContext context, GlobalOptions globals)
    {
        var files = new Argument<string[]>("files") { Description = "Secret manifests (kubectl get secret NAME -n NS -o yaml), data base64 or stringData", Arity = ArgumentArity.OneOrMore };
        var dryRun = CommonOptions.DryRun();
        dryRun.Description = "Read and check the files, say which keys would be set; change nothing (needs no Pulumi)";
        var command = new Command("import", "Set each key of existing Secret manifests that the shared stack knows as its secret config; unknown keys are listed and skipped") { files, dryRun };
        command.SetAction(async (parse, ct) =>
        {
            var root = RepositoryRoot.Find(parse.GetValue(globals.Root), context.WorkingDirectory);
            var inputs = new List<KeyValuePair<string, string>>();
            foreach (var file in parse.GetValue(files) ?? [])
            {
                var path = Path.GetFullPath(file, context.WorkingDirectory);
                if (!File.Exists(path))
                {
                    throw new CommandException(ExitCodes.Usage, $"secrets import: {file} does not exist");
                }

                inputs.Add(new(file, File.ReadAllText(path)));
            }

            RingInfra.Core.Shared.SecretImportPlan plan;
            try
            {
                plan = RingInfra.Core.Shared.SecretImport.Plan(inputs);
            }
            catch (RingInfra.Core.Config.RingConfigException e)
            {
                throw new CommandException(ExitCodes.Usage, "secrets import: invalid input:" + Environment.NewLine + string.Join(Environment.NewLine, e.Problems.Select(p => "  " + p.Message)));
            }

            var json = parse.GetValue(globals.Json);
            if (!parse.GetValue(dryRun))
            {
                var stacks = context.StackRunnerFactory(root);
                var shared = Stacks.StackId.SharedStack();
                await stacks.SelectOrCreateAsync(shared, ct).ConfigureAwait(false);
                foreach (var k in plan.Keys)
                {
                    var key = $"{RingInfra.Core.Shared.SharedFactsReader.Project}:{k.ConfigKey}";
                    await (k.Secret
                        ? stacks.SetSecretConfigAsync(shared, key, k.Value, ct)
                        : stacks.SetConfigAsync(shared, key, System.Text.Json.JsonSerializer.Serialize(k.Value), ct)).ConfigureAwait(false);
                }
            }

            var verb = parse.GetValue(dryRun) ? "would set" : "set";
            if (json)
            {
                JsonOutput.Write(context, new JsonObject
                {
                    ["dryRun"] = parse.GetValue(dryRun),
                    ["imported"] = new JsonArray([.. plan.Keys.Select(k => (JsonNode?)new JsonObject { ["key"] = k.Key, ["configKey"] = k.ConfigKey, ["secret"] = k.Secret, ["from"] = k.Source })]),
                    ["skipped"] = JsonOutput.Strings(plan.Skipped),
                });
            }
            else
            {
                foreach (var k in plan.Keys)
                {
                    context.Out.WriteLine($"{verb} {k.ConfigKey}{(k.Secret ? " (secret)" : "")} from {k.Key} ({k.Source})");
                }

                if (plan.Skipped.Count > 0)
                {
                    context.Out.WriteLine($"skipped (the shared stack does not know them): {string.Join(", ", plan.Skipped)}");
                }

                context.Err.WriteLine($"secrets import: {plan.Keys.Count} key(s) {verb} in the shared stack, {plan.Skipped.Count} skipped"
                    + (parse.GetValue(dryRun) ? "" : "; `ringctl plan shared` then `ringctl secrets sync` roll them out"));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Up(CliContext context, GlobalOptions globals)
    {
        var rings = RingArgument.Create("Rings to update");
        var all = new Option<bool>("--all") { Description = "Every ring, in rollout order (highest promotion order first)" };
        var install = new Option<bool>("--install-pulumi") { Description = "Where no pulumi CLI is found, install the version the Automation API pins into ~/.pulumi/versions/<version>, then go on" };
        var (yes, reason, dryRun) = (CommonOptions.Yes(), CommonOptions.Reason(), CommonOptions.DryRun());
        dryRun.Description = "Decide the gates and say what would be updated; change nothing (needs no Pulumi)";
        var (overrides, approvedBy) = (CommonOptions.Override(), CommonOptions.ApprovedBy());
        var commit = CommonOptions.Commit();
        var command = new Command("up", "Update ring stacks, in rollout order, stopping at the first failure (the shared stack first when it has never been deployed), or `up shared` the shared stack alone; gates: freeze, lock provenance, policies")
            { rings, all, install, overrides, approvedBy, yes, reason, dryRun, commit };
        command.SetAction(async (parse, ct) =>
        {
            var fleet = FleetSession.Open(parse, globals, context, tenantsFromRegistry: true);
            var sharedOnly = (parse.GetValue(rings) ?? []).Contains("shared", StringComparer.Ordinal);
            if (sharedOnly && ((parse.GetValue(rings) ?? []).Length > 1 || parse.GetValue(all)))
            {
                throw new CommandException(ExitCodes.Usage, "up shared: updates the shared stack alone; update rings with a separate `ringctl up`");
            }

            var selected = sharedOnly ? fleet.Fleet.Rings : fleet.Select(parse.GetValue(rings) ?? [], parse.GetValue(all), defaultAll: false);
            var consent = ChangeGuard.Consent.Parse(parse.GetValue(overrides), parse.GetValue(approvedBy), parse.GetValue(reason));
            if (parse.GetValue(install))
            {
                await PulumiSetup.EnsureCliAsync(context, fleet.Root, ct).ConfigureAwait(false);
            }

            // Say why stacks cannot be updated before starting or touching a registry.
            if (!parse.GetValue(dryRun) && context.StackRunnerFactory(fleet.Root) is UnavailableStackRunner unavailable)
            {
                throw new StackRunnerUnavailableException(unavailable.Reason);
            }

            await using var session = await RegistrySession.OpenAsync(parse, globals, context, ct).ConfigureAwait(false);
            var rollout = new Rollout(session.Operations);
            if (parse.GetValue(all) || sharedOnly)
            {
                // --all means the rings the registry holds active; a retired ring is not updated.
                selected = await rollout.ActiveAsync(selected, ct).ConfigureAwait(false);
            }

            if (parse.GetValue(dryRun))
            {
                return DryRun(context, parse.GetValue(globals.Json), "up", await rollout.DecideAsync(ChangePath.Up, selected, consent, ct).ConfigureAwait(false), selected,
                    sharedOnly ? $"would update the shared stack (judged for every ring it serves: {string.Join(", ", Rollout.Order(selected).Select(r => r.Name))})"
                        : $"would update {string.Join(", ", Rollout.Order(selected).Select(r => r.Name))}");
            }

            if (sharedOnly)
            {
                session.Operations.RequireStacks();
                Confirmation.Require(context, "update the shared stack (every ring's shared services and secrets)?", parse.GetValue(yes));
                var id = await rollout.UpSharedAsync(selected, consent, parse.GetValue(reason)!, ct).ConfigureAwait(false);
                TenantCommands.Report(context, parse.GetValue(globals.Json), new JsonObject { ["operation"] = id, ["shared"] = true },
                    $"updated the shared stack (operation #{id}); the rings take its changes at their next update (ringctl up --all, or the rollout)");
                return ExitCodes.Ok;
            }

            session.Operations.RequireStacks();
            var written = RepositoryChanges.Begin(session.Root, parse.GetValue(commit));
            Confirmation.Require(context, $"update {string.Join(", ", Rollout.Order(selected).Select(r => r.Name))}?", parse.GetValue(yes));
            var up = await rollout.UpAsync(selected, consent, parse.GetValue(reason)!, ct).ConfigureAwait(false);
            TenantCommands.Done(context, parse.GetValue(globals.Json), new JsonObject { ["operation"] = up.Id, ["rings"] = JsonOutput.Strings(Rollout.Order(selected).Select(r => r.Name)), ["sharedDeployed"] = up.SharedDeployed },
                $"updated {(up.SharedDeployed ? "the shared stack (first run), then " : "")}{string.Join(", ", Rollout.Order(selected).Select(r => r.Name))} (operation #{up.Id})",
                written, $"sync({string.Join(",", Rollout.Order(selected).Select(r => r.Name))}): stack files from the registry", session.Operations.Actor);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>A dry run of <c>up</c> or <c>secrets sync</c>: the gates' decision (refused: the error, nothing logged), else what would run.</summary>
    private static int DryRun(CliContext context, bool json, string what, GateDecision decision, IReadOnlyList<RingInfra.Core.Fleet.RingDefinition> rings, string wouldDo)
    {
        if (!decision.Allowed)
        {
            throw ChangeGuard.Refusal($"{what} {string.Join(", ", Rollout.Order(rings).Select(r => r.Name))}", decision);
        }

        TenantCommands.Report(context, json, new JsonObject
        {
            ["dryRun"] = true,
            ["rings"] = JsonOutput.Strings(Rollout.Order(rings).Select(r => r.Name)),
            ["overridden"] = JsonOutput.Gates(decision.Overridden),
            ["notes"] = JsonOutput.Strings(decision.Notes),
        }, $"{wouldDo} (all gates pass){string.Concat(decision.Notes.Select(n => "; " + n))}");
        return ExitCodes.Ok;
    }

    public static Command History(CliContext context, GlobalOptions globals)
    {
        var ring = new Option<string?>("--ring") { Description = "Only operations on this ring" };
        var tenant = new Option<string?>("--tenant") { Description = "Only operations on this tenant" };
        var module = new Option<string?>("--module") { Description = "Only operations on this module" };
        var limit = new Option<int>("--limit") { Description = "At most this many (newest first)", DefaultValueFactory = _ => 50 };
        var command = new Command("history", "The operations log: who, what, why, from → to, status, timings") { ring, tenant, module, limit };
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(limit) is < 1 or > 10_000)
            {
                throw new CommandException(ExitCodes.Usage, $"--limit: must be between 1 and 10000 (got {parse.GetValue(limit)})");
            }

            await using var session = await RegistrySession.OpenAsync(parse, globals, context, ct).ConfigureAwait(false);
            // A filter naming nothing the registry has ever known is a typo, not an empty history.
            var log = session.Operations.Log;
            foreach (var (option, value, kind) in new[] { ("--ring", parse.GetValue(ring), "ring"), ("--tenant", parse.GetValue(tenant), "tenant"), ("--module", parse.GetValue(module), "module") })
            {
                if (value is not null && !await log.KnowsAsync(kind, value, ct).ConfigureAwait(false))
                {
                    throw new CommandException(ExitCodes.Usage, $"{option}: '{value}' is no {kind} the registry or its log has ever known");
                }
            }

            var ops = await log.HistoryAsync(parse.GetValue(ring), parse.GetValue(tenant), parse.GetValue(module), parse.GetValue(limit), ct).ConfigureAwait(false);
            if (parse.GetValue(globals.Json))
            {
                JsonOutput.Write(context, new JsonArray([.. ops.Select(o => (JsonNode?)OperationJson(o))]));
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("#", "started", "kind", "subject", "rings", "from → to", "status", "actor", "approved by", "reason");
            foreach (var o in ops)
            {
                table.AddRow(o.Id.ToString(CultureInfo.InvariantCulture), o.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), o.Kind,
                    Markup.Escape(o.Tenant ?? o.Module ?? ""), string.Join(",", o.Rings), Markup.Escape($"{o.FromValue ?? "-"} → {o.ToValue ?? "-"}"), o.Status, Markup.Escape(o.Actor),
                    Markup.Escape(o.ApprovedBy ?? ""), Markup.Escape(Why(o)));
            }

            context.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Db(CliContext context, GlobalOptions globals)
    {
        var migrate = new Command("migrate", "Apply the registry's pending schema migrations");
        migrate.SetAction(async (parse, ct) =>
        {
            await using var session = await RegistrySession.OpenAsync(parse, globals, context, ct, migrate: true).ConfigureAwait(false);
            var versions = RegistryMigrator.All().Select(m => $"{m.Version:D4}_{m.Name}");
            TenantCommands.Report(context, parse.GetValue(globals.Json), new JsonObject { ["migrations"] = JsonOutput.Strings(versions) }, $"registry schema up to date ({string.Join(", ", versions)})");
            return ExitCodes.Ok;
        });
        var seed = new Command("seed", "Fill an empty registry from the stack files and locks (bake clocks from the locks' git history)");
        seed.SetAction(async (parse, ct) =>
        {
            await using var session = await RegistrySession.OpenAsync(parse, globals, context, ct).ConfigureAwait(false);
            var seeded = await Seeding.SeedAsync(session.Operations, ct).ConfigureAwait(false);
            TenantCommands.Report(context, parse.GetValue(globals.Json), new JsonObject { ["seeded"] = seeded is not null, ["message"] = seeded },
                seeded ?? "the registry already has rings: nothing was seeded (a seeding only fills an empty registry)");
            return ExitCodes.Ok;
        });
        return new Command("db", "The registry database") { migrate, seed };
    }

    /// <summary>The reason cell: the operator's reason, then what the gates said (overrides, notes, the refusal).</summary>
    private static string Why(OperationRecord o)
    {
        var lines = new List<string> { o.Reason };
        lines.AddRange(o.Overrides.Select(g => $"[overrode {g}]"));
        lines.AddRange(o.Notes.Select(n => $"[{n}]"));
        if (o.Status == "refused" && o.Error is { } refusal)
        {
            lines.Add($"[refused: {refusal}]");
        }

        return string.Join("\n", lines.Where(l => l.Length > 0));
    }

    private static JsonObject OperationJson(OperationRecord o) => new()
    {
        ["id"] = o.Id,
        ["kind"] = o.Kind,
        ["rings"] = JsonOutput.Strings(o.Rings),
        ["tenant"] = o.Tenant,
        ["module"] = o.Module,
        ["from"] = o.FromValue,
        ["to"] = o.ToValue,
        ["actor"] = o.Actor,
        ["approvedBy"] = o.ApprovedBy,
        ["overrides"] = JsonOutput.Strings(o.Overrides),
        ["notes"] = JsonOutput.Strings(o.Notes),
        ["reason"] = o.Reason,
        ["status"] = o.Status,
        ["step"] = o.Step,
        ["startedAt"] = o.StartedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        ["finishedAt"] = o.FinishedAt?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        ["error"] = o.Error,
    };
}
