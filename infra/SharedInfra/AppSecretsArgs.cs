using System.Collections.Immutable;
using Pulumi;
using RingInfra.Core.Shared;

namespace RingInfra.SharedProgram;

/// <summary>What <see cref="AppSecretsComponent"/> needs; config is read by the stack, never by the component.</summary>
public sealed class AppSecretsArgs
{
    public required SharedStackSettings Settings { get; init; }

    /// <summary>A secret config value by key (null when the operator has not set it).</summary>
    public required Func<string, Output<string>?> SecretConfig { get; init; }

    /// <summary>Connector credential name → value, from the secret <c>connectorSecrets</c> config (null when unset).</summary>
    public required Output<ImmutableDictionary<string, string>>? ConnectorSecrets { get; init; }
}
