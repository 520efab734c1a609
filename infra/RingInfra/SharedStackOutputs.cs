using System.Collections.Immutable;
using Pulumi;
using RingInfra.Core.Config;
using RingInfra.Core.Shared;

namespace RingInfra.RingProgram;

/// <summary>
/// The shared stack as a ring reads it, through one StackReference: the non-secret facts (catalog,
/// config, secret names, credential bindings, secrets revision) and the secret outputs, which stay
/// Pulumi secrets end to end — they are only ever handed to Secret resources.
/// </summary>
public sealed class SharedStackOutputs
{
    public SharedStackOutputs(string name, string stackName, CustomResourceOptions? options = null)
    {
        var reference = new StackReference(name, new StackReferenceArgs { Name = stackName }, options);
        Output<object> Require(string output) => reference.RequireOutput(output);
        Facts = Output.Tuple(
                Require(SharedStackExports.Namespace),
                Require(SharedStackExports.ServiceCatalog),
                Require(SharedStackExports.Config),
                Require(SharedStackExports.AppSecretKeys),
                Require(SharedStackExports.CredentialBindings),
                Require(SharedStackExports.SecretsRevision))
            .Apply(t => Read(
                new Dictionary<string, object?>
                {
                    [SharedStackExports.Namespace] = t.Item1,
                    [SharedStackExports.ServiceCatalog] = t.Item2,
                    [SharedStackExports.Config] = t.Item3,
                    [SharedStackExports.AppSecretKeys] = t.Item4,
                    [SharedStackExports.CredentialBindings] = t.Item5,
                    [SharedStackExports.SecretsRevision] = t.Item6,
                },
                stackName));
        Secrets = Require(SharedStackExports.Secrets).Apply(StringMap);
        ImagePullConfig = Require(SharedStackExports.ImagePullConfig).Apply(v => (string)v);
        ConnectorCredentials = Require(SharedStackExports.ConnectorCredentials).Apply(StringMap);
    }

    public Output<SharedFacts> Facts { get; }

    /// <summary>The app secret map (secret).</summary>
    public Output<ImmutableDictionary<string, string>> Secrets { get; }

    /// <summary>The registry's .dockerconfigjson (secret).</summary>
    public Output<string> ImagePullConfig { get; }

    /// <summary>Connector credential name → value (secret).</summary>
    public Output<ImmutableDictionary<string, string>> ConnectorCredentials { get; }

    /// <summary>Invalid facts are a configuration error of the shared stack: one message, no stack trace.</summary>
    private static SharedFacts Read(IReadOnlyDictionary<string, object?> outputs, string stackName)
    {
        try
        {
            return SharedFactsReader.FromStackOutputs(outputs, stackName);
        }
        catch (RingConfigException e)
        {
            throw KubeMeta.Invalid($"the shared stack '{stackName}' exports invalid facts", e.Problems.Count > 0 ? e.Problems.Select(p => p.Message) : [e.Message]);
        }
    }

    private static ImmutableDictionary<string, string> StringMap(object value) =>
        ((IEnumerable<KeyValuePair<string, object>>)value).ToImmutableDictionary(kv => kv.Key, kv => (string)kv.Value, StringComparer.Ordinal);
}
