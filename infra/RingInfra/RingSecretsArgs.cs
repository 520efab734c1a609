using Pulumi;
using RingInfra.Core.Config;
using RingInfra.Core.Rendering;
using RingInfra.Core.Shared;

namespace RingInfra.RingProgram;

/// <summary>What <see cref="RingSecretsComponent"/> needs: the ring, the shared stack, and whether real values are written.</summary>
public sealed class RingSecretsArgs
{
    public required RingConfig Ring { get; init; }

    public required Output<SharedFacts> Facts { get; init; }

    /// <summary>The policy-checked render: every Secret waits for it, so a violation registers none.</summary>
    public required Output<RenderedRing> Checked { get; init; }

    /// <summary>The Kubernetes provider, passed to every Secret explicitly.</summary>
    public required ProviderResource Provider { get; init; }

    public required SharedStackOutputs Shared { get; init; }

    /// <summary>False when rendering YAML to a directory: Secrets then carry keys only, so no value lands on disk.</summary>
    public required bool WithValues { get; init; }
}
