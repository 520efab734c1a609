using System.Collections;
using RingCtl.Stacks;

namespace RingCtl.Operations;

/// <summary>Reads the ring stack's exports (tenants, lockHash, secretsRevision) as ringctl checks them after an update.</summary>
public static class StackOutputs
{
    public static async Task<IReadOnlyList<string>> TenantsAsync(IStackRunner stacks, string ring, CancellationToken ct)
    {
        var outputs = await stacks.GetOutputsAsync(StackId.Ring(ring), ct).ConfigureAwait(false);
        return outputs.GetValueOrDefault("tenants") is IEnumerable list and not string
            ? [.. list.Cast<object?>().Select(o => o?.ToString() ?? "")]
            : [];
    }

    public static async Task<string?> StringAsync(IStackRunner stacks, StackId stack, string name, CancellationToken ct)
    {
        var outputs = await stacks.GetOutputsAsync(stack, ct).ConfigureAwait(false);
        return outputs.GetValueOrDefault(name)?.ToString();
    }
}
