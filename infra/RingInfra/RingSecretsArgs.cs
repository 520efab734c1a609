using Pulumi;
using RingInfra.Core.Config;
using RingInfra.Core.Shared;

namespace RingInfra.RingProgram;

/// <summary>What <see cref="RingSecretsComponent"/> needs: the ring, the shared stack, and whether real values are written.</summary>
public sealed class RingSecretsArgs
{
    public required RingConfig Ring { get; init; }

    public required Output<SharedFacts> Facts { get; init; }

    public required SharedStackOutputs Shared { get; init; }

    /// <summary>False when rendering YAML to a directory: Secrets then carry keys only, so no value lands on disk.</summary>
    public required bool WithValues { get; init; }
}
