using RingCtl.Stacks;
using RingInfra.Core.Config;
using RingInfra.Core.Diff;
using RingInfra.Core.Fleet;
using RingInfra.Core.Kube;
using RingInfra.Core.Locks;
using RingInfra.Core.Preview;
using RingInfra.Core.Rendering;

namespace RingCtl.Preview;

/// <summary>
/// Builds the preview of a change: the affected rings from the changed paths, then per ring either an
/// offline diff of Core's renders at both revisions (read from git, the working tree untouched) or the
/// engine's preview through <see cref="IStackRunner"/>.
/// </summary>
public sealed class PreviewBuilder
{
    private readonly GitRepository _git;
    private readonly IReadOnlyCollection<string> _secrets;

    private readonly IReadOnlyDictionary<string, RingAssignment>? _registry;

    /// <param name="git">The repository.</param>
    /// <param name="secrets">Values never shown.</param>
    /// <param name="registry">What the registry assigns, where the preview can reach it (else null).</param>
    public PreviewBuilder(GitRepository git, IReadOnlyCollection<string> secrets, IReadOnlyDictionary<string, RingAssignment>? registry = null)
    {
        _git = git;
        _secrets = secrets;
        _registry = registry;
    }

    public async Task<PreviewReport> BuildAsync(string baseRev, string headRev, IReadOnlyCollection<string> onlyRings, IStackRunner? online, IProgress<string> progress, CancellationToken ct)
    {
        var b = _git.Resolve(baseRev);
        var h = _git.Resolve(headRev);
        var paths = _git.ChangedPaths(b, h);
        var (before, beforeError) = Load(_git.At(b));
        var (after, afterError) = Load(_git.At(h));
        var known = RingNames(_git.At(b)).Union(RingNames(_git.At(h)));
        var affected = AffectedRings.From(paths, known);
        var rings = affected.Rings.Where(r => onlyRings.Count == 0 || onlyRings.Contains(r)).ToList();
        var notes = new List<string>();
        if (affected.All)
        {
            notes.Add(online is null
                ? "infra/, Pulumi.yaml or the shared stack changed: every ring is affected. This offline preview renders both revisions with this ringctl's Core; a change to the programs themselves shows in the online preview."
                : "infra/, Pulumi.yaml or the shared stack changed: every ring is affected.");
        }

        if (beforeError is not null)
        {
            notes.Add($"the base revision does not validate ({beforeError.Split('\n')[0]}…): its rings count as empty");
        }

        var previews = new List<RingPreview>();
        if (affected.Shared && (onlyRings.Count == 0 || onlyRings.Contains("shared")))
        {
            // The shared stack is updated before any ring: its row comes first.
            previews.Add(afterError is not null
                ? new RingPreview { Ring = RingPreview.SharedRow, Shared = true, Error = "the head revision does not validate:\n" + afterError }
                : await SharedAsync(before, after!, online, progress, ct).ConfigureAwait(false));
        }

        foreach (var ring in rings)
        {
            if (afterError is not null)
            {
                previews.Add(new RingPreview { Ring = ring, Error = "the head revision does not validate:\n" + afterError });
                continue;
            }

            var changes = Diff(before, after, ring);
            var preview = online is null ? Offline(ring, changes) : await OnlineAsync(online, StackId.Ring(ring), ring, changes, progress, ct).ConfigureAwait(false);
            previews.Add(preview with
            {
                LockEdits = LockEdits.Find(before, after!, ring, (r, m) => LandedAt(before, b, r, m), DateTimeOffset.UtcNow),
                TenantEdit = TenantEdit.Find(before, after!, ring),
                RegistryTenants = _registry?.GetValueOrDefault(ring)?.Tenants,
            });
        }

        return new PreviewReport { Base = b, Head = h, Offline = online is null, ChangedPaths = paths, Rings = previews, Reasons = affected.Reasons, Notes = notes };
    }

    private RingPreview Offline(string ring, IReadOnlyList<ObjectChange> changes) => new()
    {
        Ring = ring,
        Creates = changes.Count(c => c.Change == ChangeKind.Added),
        Deletes = changes.Count(c => c.Change == ChangeKind.Removed),
        Replaces = changes.Count(c => c.Replaces),
        Updates = changes.Count(c => c.Change == ChangeKind.Changed && !c.Replaces),
        RollsPods = changes.Any(c => c.RollsPods),
        Changes = changes,
        Lines = DiffLines.For(changes, _secrets),
    };

    /// <summary>The engine's preview of <paramref name="stack"/>, as the row called <paramref name="row"/>.</summary>
    private async Task<RingPreview> OnlineAsync(IStackRunner runner, StackId stack, string row, IReadOnlyList<ObjectChange> changes, IProgress<string> progress, CancellationToken ct)
    {
        await runner.SelectOrCreateAsync(stack, ct).ConfigureAwait(false);
        progress.Report($"previewing {stack}");
        var result = await runner.PreviewAsync(stack, progress, ct).ConfigureAwait(false);
        return new RingPreview
        {
            Ring = row,
            Shared = stack.Shared,
            Creates = result.Creates,
            Updates = result.Updates,
            Replaces = result.Replaces,
            Deletes = result.Deletes,
            RollsPods = changes.Any(c => c.RollsPods),
            Changes = changes,
            Lines = DiffLines.Scrub(result.Diff, _secrets).Split('\n').Where(l => l.Length > 0).ToList(),
        };
    }

    /// <summary>
    /// The shared stack's row: offline, Core's render of its objects (policies, managed services, their credentials
    /// Secret with keys only) at both revisions; online, the engine's preview of the shared stack.
    /// </summary>
    private Task<RingPreview> SharedAsync(RingFleet? before, RingFleet after, IStackRunner? online, IProgress<string> progress, CancellationToken ct)
    {
        var changes = ObjectDiff.Compare(before is null ? [] : SharedRenderer.Objects(before.Shared), SharedRenderer.Objects(after.Shared));
        return online is null
            ? Task.FromResult(Offline(RingPreview.SharedRow, changes) with { Shared = true })
            : OnlineAsync(online, StackId.SharedStack(), RingPreview.SharedRow, changes, progress, ct);
    }

    private readonly Dictionary<string, IReadOnlyDictionary<string, DateTimeOffset>> _landings = new(StringComparer.Ordinal);

    /// <summary>When <paramref name="module"/>'s version at the base landed in <paramref name="ring"/>: the commit that put it in the ring's lock.</summary>
    private DateTimeOffset? LandedAt(RingFleet? before, string baseCommit, string ring, string module)
    {
        if (before?.Find(ring) is not { } def)
        {
            return null;
        }

        if (!_landings.TryGetValue(ring, out var times))
        {
            _landings[ring] = times = _git.LockLandings(def, baseCommit);
        }

        return times.TryGetValue(module, out var t) ? t : null;
    }

    /// <summary>The ring's object changes (a ring with clusters: cluster by cluster, each change naming its cluster).</summary>
    private static IReadOnlyList<ObjectChange> Diff(RingFleet? before, RingFleet? after, string ring)
    {
        IReadOnlyList<RenderedRing> Renders(RingFleet? fleet) => fleet?.Find(ring) is { } def ? RingRenderer.RenderClusters(def, fleet) : [];
        return FleetChanges.Compare(Renders(before), Renders(after));
    }

    private static (RingFleet? Fleet, string? Error) Load(IRepositoryFiles files)
    {
        try
        {
            return (FleetLoader.Load(files), null);
        }
        catch (RingConfigException e)
        {
            return (null, string.Join("\n", e.Problems.Count > 0 ? e.Problems.Select(p => p.Message) : [e.Message]));
        }
    }

    private static IEnumerable<string> RingNames(IRepositoryFiles files) =>
        files.ListFiles("").Where(FleetLoader.IsRingFile).Select(f => f["Pulumi.".Length..^".yaml".Length]);
}
