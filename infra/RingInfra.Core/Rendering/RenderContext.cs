using System.Security.Cryptography;
using System.Text;
using RingInfra.Core.Config;
using RingInfra.Core.Fleet;
using RingInfra.Core.Shared;

namespace RingInfra.Core.Rendering;

/// <summary>What every builder of one ring's objects reads: the ring, the shared facts and the resolved sizing.</summary>
internal sealed class RenderContext
{
    public RenderContext(RingDefinition ring, SharedFacts shared)
    {
        Ring = ring;
        Shared = shared;
        var modules = ring.Lock.Modules.Count;
        Workloads = Enum.GetValues<WorkloadKind>().ToDictionary(k => k, k => Resolve(k, ring.Config.Workloads[k], modules));
    }

    public RingDefinition Ring { get; }

    public RingConfig Config => Ring.Config;

    public SharedFacts Shared { get; }

    public string Name => Ring.Config.Name;

    public string Ns => Ring.Config.Namespace;

    public IReadOnlyDictionary<WorkloadKind, ResolvedWorkload> Workloads { get; }

    public bool HasConnectors => Config.Connectors.Count > 0;

    public static string Hash(string text) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];

    private static ResolvedWorkload Resolve(WorkloadKind kind, WorkloadSettings s, int modules)
    {
        if (kind == WorkloadKind.Nginx)
        {
            return new ResolvedWorkload(kind, s, s.MemoryBytes, s.MemoryBytes);
        }

        var limit = MemoryTuning.LimitBytes(modules, s.MemoryBytes, s.MemoryOverridden ? s.MemoryBytes : null);
        return new ResolvedWorkload(kind, s, MemoryTuning.RequestBytes(modules, limit), limit);
    }
}
