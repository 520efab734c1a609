using RingInfra.Core.Config;
using RingInfra.Core.Locks;

namespace RingInfra.Core.Fleet;

/// <summary>A ring ready to render: its validated config, its lock and what its stack file says to providers.</summary>
public sealed record RingDefinition(RingConfig Config, ModuleLock Lock)
{
    public string Name => Config.Name;
}
