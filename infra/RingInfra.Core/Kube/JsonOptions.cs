using System.Text.Encodings.Web;
using System.Text.Json;

namespace RingInfra.Core.Kube;

/// <summary>Shared serializer settings: stable, readable output (no HTML escaping of '+' or '&lt;').</summary>
public static class JsonOptions
{
    /// <summary>Compact JSON that keeps non-ASCII and punctuation readable.</summary>
    public static readonly JsonSerializerOptions Relaxed = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Indented JSON for files people read (locks, --json output).</summary>
    public static readonly JsonSerializerOptions Indented = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
    };
}
