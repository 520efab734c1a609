namespace RingInfra.Core.Rendering;

/// <summary>
/// Octane memory from the module count. Horizon and Octane load every module's service provider at
/// boot (doc 000): with 23 modules the steady state is 900Mi–1Gi and 384Mi / 768Mi limits were
/// OOM-killed. The model: steady state = 256Mi + 32Mi per module; the limit adds 50% headroom,
/// rounded up to 128Mi. 23 modules give 992Mi steady and a 1536Mi limit; the limit never falls as
/// modules are added. The limit is also the floor a ring override may not go below.
/// </summary>
public static class MemoryTuning
{
    private const long Mi = 1024 * 1024;

    /// <summary>Estimated steady-state footprint (the memory request).</summary>
    public static long SteadyStateBytes(int moduleCount) => (256 + (32 * (long)Math.Max(0, moduleCount))) * Mi;

    /// <summary>The minimum safe limit for <paramref name="moduleCount"/> modules.</summary>
    public static long FloorBytes(int moduleCount)
    {
        var withHeadroom = SteadyStateBytes(moduleCount) * 3 / 2;
        var step = 128 * Mi;
        return (withHeadroom + step - 1) / step * step;
    }

    /// <summary>The limit to render: the override when given, else the larger of the tier default and the floor.</summary>
    public static long LimitBytes(int moduleCount, long tierDefaultBytes, long? overrideBytes) =>
        overrideBytes ?? Math.Max(tierDefaultBytes, FloorBytes(moduleCount));

    /// <summary>The request: the steady state, never above the limit.</summary>
    public static long RequestBytes(int moduleCount, long limitBytes) => Math.Min(SteadyStateBytes(moduleCount), limitBytes);
}
