using RingCtl.Cli;
using RingCtl.Registry;
using RingInfra.Core.Fleet;
using RingInfra.Core.Locks;
using RingInfra.Core.Policies;
using RingInfra.Core.Promotion;

namespace RingCtl.Operations;

/// <summary>
/// Where every command that changes a ring asks Core for its decision: the facts only the registry and the
/// repository know (the clock, the lock's recorded landings, the policies of the rings as they would be
/// after the change), then <see cref="ChangeGates.Decide"/>. A refusal is logged as a closed row and ends
/// the command — exit 3 when a policy failed, 4 for any other gate — before any lease, file or stack is touched.
/// </summary>
public sealed class ChangeGuard
{
    private readonly OperationContext _ctx;

    public ChangeGuard(OperationContext context)
    {
        _ctx = context;
    }

    /// <summary>What the operator asked to override and who approved (validated: unknown gates are usage errors).</summary>
    public sealed record Consent(IReadOnlySet<Gate> Overrides, string? ApprovedBy)
    {
        public static Consent None { get; } = new(new HashSet<Gate>(), null);

        /// <summary>Parses <c>--override</c>; an override needs a <c>--reason</c> (the log keeps it).</summary>
        public static Consent Parse(string? overrides, string? approvedBy, string? reason)
        {
            var (gates, problems) = GateTable.ParseOverrides(overrides);
            if (problems.Count > 0)
            {
                throw new CommandException(ExitCodes.Usage, string.Join(Environment.NewLine, problems));
            }

            if (gates.Count > 0 && string.IsNullOrWhiteSpace(reason))
            {
                throw new CommandException(ExitCodes.Usage, $"--override {overrides}: an override needs --reason (the log records why each gate was overridden)");
            }

            if (approvedBy is { } a && !RingInfra.Core.Config.Names.IsUserName(a))
            {
                throw new CommandException(ExitCodes.Usage, $"--approved-by: {RingInfra.Core.Config.Names.UserNameRule} (got '{a}')");
            }

            return new Consent(gates, approvedBy);
        }
    }

    /// <summary>The request every path starts from: the ring, who acts, who approved, what is overridden, the database clock.</summary>
    public async Task<ChangeRequest> BaseAsync(ChangePath path, RingDefinition target, Consent consent, CancellationToken ct) => new()
    {
        Path = path,
        Target = target.Config,
        Actor = _ctx.Actor,
        ApprovedBy = consent.ApprovedBy,
        Overrides = consent.Overrides,
        Now = await _ctx.Registry.NowAsync(ct).ConfigureAwait(false),
    };

    /// <summary>The policy violations of <paramref name="rings"/> in <paramref name="after"/> (the fleet as the change leaves it).</summary>
    public static IReadOnlyList<string> Violations(RingFleet after, IReadOnlyCollection<string> rings, RingInfra.Core.Rendering.RenderCache? renders = null) =>
        [.. PolicySuite.ByRing(after, rings, renders).Values.SelectMany(v => v)];

    /// <summary>Lock entries the registry never recorded as landed in the ring (a hand edit, a pull request's lock change).</summary>
    public async Task<IReadOnlyList<(string Module, string Version, string? Recorded)>> UnrecordedAsync(RingDefinition ring, CancellationToken ct)
    {
        return LockProvenance.Unrecorded(ring.Lock, await _ctx.Registry.LandedVersionsAsync(ring.Name, ct).ConfigureAwait(false));
    }

    /// <summary>
    /// The decision on updating whole rings as their files are (<c>up</c>, the rollout, <c>secrets sync</c>, a
    /// tenant move, reconcile's resume): Core runs the gates of <paramref name="path"/> over each ring's freeze
    /// windows, the lock versions the registry never recorded, the policies of <paramref name="fleet"/>, and
    /// the approver when gates of a protected ring are overridden.
    /// </summary>
    /// <param name="path">The change's path (its gates).</param>
    /// <param name="fleet">The fleet as the change leaves it.</param>
    /// <param name="rings">The rings the change updates.</param>
    /// <param name="consent">Overrides and approver.</param>
    /// <param name="ct">Cancellation.</param>
    /// <param name="held">The rings that receive tenants and are held, with why (the held gate of <see cref="ChangePath.TenantWaves"/>).</param>
    public async Task<GateDecision> DecideRingsAsync(ChangePath path, RingFleet fleet, IReadOnlyCollection<string> rings, Consent consent, CancellationToken ct,
        IReadOnlyDictionary<string, string>? held = null)
    {
        var violations = PolicySuite.ByRing(fleet, rings);
        var now = await _ctx.Registry.NowAsync(ct).ConfigureAwait(false);
        var decisions = new List<GateDecision>();
        foreach (var ring in rings.Select(fleet.Find).OfType<RingDefinition>())
        {
            decisions.Add(ChangeGates.Decide(new ChangeRequest
            {
                Path = path,
                Target = ring.Config,
                Actor = _ctx.Actor,
                ApprovedBy = consent.ApprovedBy,
                Overrides = consent.Overrides,
                Now = now,
                Unrecorded = await UnrecordedAsync(ring, ct).ConfigureAwait(false),
                Violations = violations.GetValueOrDefault(ring.Name) ?? [],
                Held = held?.GetValueOrDefault(ring.Name),
            }));
        }

        return GateDecision.Combine(decisions);
    }

    /// <summary>
    /// <see cref="DecideRingsAsync"/>, enforced: a refusal is logged and thrown, before anything is touched; otherwise
    /// the intent to begin, carrying what the decision overrode and noted.
    /// </summary>
    public async Task<OperationIntent> EnforceRingsAsync(ChangePath path, OperationIntent intent, string what, RingFleet fleet, IReadOnlyCollection<string> rings, Consent consent, CancellationToken ct) =>
        Record(intent, await EnforceAsync(intent, what, await DecideRingsAsync(path, fleet, rings, consent, ct).ConfigureAwait(false), ct).ConfigureAwait(false));

    /// <summary>Refuses (logged, before anything is touched) unless allowed; returns the decision to record.</summary>
    public async Task<GateDecision> EnforceAsync(OperationIntent intent, string what, GateDecision decision, CancellationToken ct) =>
        decision.Allowed ? decision : throw await RefuseAsync(intent, what, decision, ct).ConfigureAwait(false);

    /// <summary>Logs the refusal (a closed row with every reason) and returns the command's error.</summary>
    public async Task<CommandException> RefuseAsync(OperationIntent intent, string what, GateDecision decision, CancellationToken ct)
    {
        await _ctx.Log.RefusedAsync(intent with { Overrides = OverrideNames(decision), Notes = decision.Notes },
            decision.Refusals.Select(r => r.ToString()), ct).ConfigureAwait(false);
        return Refusal(what, decision);
    }

    /// <summary>The command's error for a refusal, every reason on its own line: exit 3 when a policy failed, else 4.</summary>
    public static CommandException Refusal(string what, GateDecision decision) => new(decision.RefusedByPolicy ? ExitCodes.PolicyViolation : ExitCodes.GateRefused,
        $"{what} refused:" + string.Concat(decision.Refusals.Select(x => Environment.NewLine + "  " + x)));

    /// <summary>The intent of an allowed change, carrying what the decision overrode and noted.</summary>
    public static OperationIntent Record(OperationIntent intent, GateDecision decision) => intent with
    {
        Overrides = OverrideNames(decision),
        Notes = decision.Notes,
    };

    /// <summary>The overrides that lifted a refusal, as the operator wrote them (<c>new-version</c> for lock provenance), each once.</summary>
    private static IReadOnlyList<string> OverrideNames(GateDecision decision) =>
        [.. decision.Overridden.Select(o => GateTable.Name(GateTable.OverriddenBy(o.Gate) ?? o.Gate)).Distinct()];
}
