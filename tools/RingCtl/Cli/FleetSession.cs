using System.CommandLine;
using RingInfra.Core.Config;
using RingInfra.Core.Fleet;
using RingInfra.Core.Kube;
using RingInfra.Core.Policies;
using RingInfra.Core.Rendering;

namespace RingCtl.Cli;

/// <summary>
/// The repository's fleet for one command: found, loaded and validated (every problem reported at
/// once, exit code 2), and the rings the user selected resolved against it.
/// </summary>
public sealed class FleetSession
{
    private FleetSession(string root, RingFleet fleet)
    {
        Root = root;
        Fleet = fleet;
    }

    public string Root { get; }

    public RingFleet Fleet { get; }

    /// <param name="parse">The command line.</param>
    /// <param name="globals">The global options.</param>
    /// <param name="context">The process.</param>
    /// <param name="tenantsFromRegistry">
    /// For a changing command's input check: the files' tenant lists are not validated, because the registry's
    /// replace them before any update (a stale or hand-edited copy must not block the command that corrects it).
    /// </param>
    public static FleetSession Open(ParseResult parse, GlobalOptions globals, CliContext context, bool tenantsFromRegistry = false)
    {
        var root = RepositoryRoot.Find(parse.GetValue(globals.Root), context.WorkingDirectory);
        try
        {
            using var phase = RunProfile.Phase("config load");
            return new FleetSession(root, FleetLoader.Load(new DirectoryFiles(root), tenantRules: !tenantsFromRegistry));
        }
        catch (RingConfigException e)
        {
            throw new CommandException(ExitCodes.Usage, "invalid configuration:" + Environment.NewLine + string.Join(Environment.NewLine, e.Problems.Count > 0 ? e.Problems.Select(p => "  " + p.Message) : ["  " + e.Message]));
        }
        catch (YamlFormatException e)
        {
            throw new CommandException(ExitCodes.Usage, e.Message);
        }
    }

    /// <summary>
    /// The named rings (or all with <paramref name="all"/>, or all when none are named and <paramref name="defaultAll"/>).
    /// "All" means the active rings: a retired ring (<c>active: false</c>) is named explicitly or not at all.
    /// </summary>
    public IReadOnlyList<RingDefinition> Select(IReadOnlyList<string> names, bool all, bool defaultAll)
    {
        if (all && names.Count > 0)
        {
            throw new CommandException(ExitCodes.Usage, $"--all: cannot be combined with ring names (got {string.Join(", ", names)})");
        }

        if (all || (names.Count == 0 && defaultAll))
        {
            return [.. Fleet.Rings.Where(r => r.Config.Active)];
        }

        if (names.Count == 0)
        {
            throw new CommandException(ExitCodes.Usage, "ring: name at least one ring or pass --all (known: " + Known() + ")");
        }

        var unknown = names.Where(n => Fleet.Find(n) is null).ToList();
        if (unknown.Count > 0)
        {
            throw new CommandException(ExitCodes.Usage, $"ring: {string.Join(", ", unknown.Select(u => $"'{u}'"))} is not a ring of this repository (known: {Known()})");
        }

        return [.. Fleet.Rings.Where(r => names.Contains(r.Name))];
    }

    public IReadOnlyList<RenderedRing> RenderAll()
    {
        using var phase = RunProfile.Phase("render");
        return RingRenderer.RenderAll(Fleet);
    }

    /// <summary>Renders the selected rings and runs every policy on them; fleet-wide rules see every ring.</summary>
    public (IReadOnlyList<RenderedRing> Rings, IReadOnlyList<Violation> Violations) RenderAndCheck(IReadOnlyList<RingDefinition> selected)
    {
        var every = RenderAll();
        var names = selected.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        var targets = every.Where(r => names.Contains(r.Ring)).ToList();
        using var phase = RunProfile.Phase("lint");
        return (targets, PolicySuite.Check(targets, Fleet, context: every));
    }

    private string Known() => string.Join(", ", Fleet.Rings.Select(r => r.Name));
}
