using System.Collections.Immutable;
using Pulumi;
using RingInfra.Core.Rendering;
using K8sCore = Pulumi.Kubernetes.Core.V1;
using K8sInputs = Pulumi.Kubernetes.Types.Inputs.Core.V1;
using Meta = Pulumi.Kubernetes.Types.Inputs.Meta.V1;

namespace RingInfra.RingProgram;

/// <summary>
/// The ring's Secrets (<c>ring-app-secrets</c>, <c>ring-image-pull</c>, <c>ring-connectors</c>), filled from the
/// shared stack's secret outputs. The values flow Output to Output and never become plain strings here.
/// </summary>
public sealed class RingSecretsComponent : ComponentResource
{
    public RingSecretsComponent(string name, RingSecretsArgs args, ComponentResourceOptions? options = null)
        : base("ringinfra:ring:Secrets", name, options)
    {
        ArgumentNullException.ThrowIfNull(args);
        var names = new List<string>();
        foreach (var spec in RingSecrets.Specs(args.Ring, []))
        {
            var meta = new Meta.ObjectMetaArgs { Name = spec.Name, Namespace = args.Ring.Namespace };
            foreach (var (k, v) in RingLabels.Common(args.Ring.Name))
            {
                meta.Labels.Add(k, v!.ToString());
            }

            if (!args.Ring.Cluster.IsUnnamed)
            {
                meta.Labels.Add(RingLabels.Cluster, args.Ring.Cluster.Name);
            }

            _ = new K8sCore.Secret($"{name}-{spec.Name}", new K8sInputs.SecretArgs
            {
                Metadata = meta,
                Type = spec.Type,
                StringData = Output.Tuple(args.Checked, Data(spec, args)).Apply(t => t.Item2),
            }, new CustomResourceOptions { Parent = this, Provider = args.Provider, AdditionalSecretOutputs = { "data", "stringData" } });
            names.Add(spec.Name);
        }

        SecretNames = Output.Create(names.ToImmutableArray());
        RegisterOutputs();
    }

    /// <summary>The names of the Secrets created, in creation order.</summary>
    [Output("secretNames")]
    public Output<ImmutableArray<string>> SecretNames { get; private set; }

    private static Output<ImmutableDictionary<string, string>> Data(SecretSpec spec, RingSecretsArgs args)
    {
        var credentials = RingSecrets.CredentialNames(args.Ring);
        return (spec.Name, args.WithValues) switch
        {
            (RingSecrets.App, true) => args.Shared.Secrets,
            (RingSecrets.App, false) => args.Facts.Apply(f => f.AppSecretKeys.ToImmutableDictionary(k => k, _ => "")),
            (RingSecrets.ImagePull, true) => args.Shared.ImagePullConfig.Apply(v => ImmutableDictionary<string, string>.Empty.Add(RingSecrets.DockerConfigKey, v)),
            (RingSecrets.ImagePull, false) => Output.Create(ImmutableDictionary<string, string>.Empty.Add(RingSecrets.DockerConfigKey, RingSecrets.EmptyDockerConfig)),
            (RingSecrets.Connectors, true) => args.Shared.ConnectorCredentials.Apply(all => Select(all, credentials, args.Ring.Name)),
            (RingSecrets.Connectors, false) => Output.Create(credentials.ToImmutableDictionary(k => k, _ => "")),
            _ => throw new InvalidOperationException($"no data source for Secret '{spec.Name}'"),
        };
    }

    private static ImmutableDictionary<string, string> Select(ImmutableDictionary<string, string> all, IReadOnlyList<string> wanted, string ring)
    {
        var missing = wanted.Where(w => !all.ContainsKey(w)).ToList();
        if (missing.Count > 0)
        {
            throw KubeMeta.Invalid($"ring '{ring}': the shared stack has no value for connector credential(s)", missing.Select(m => $"{m} (set it in the shared stack's connectorSecrets)"));
        }

        return all.Where(kv => wanted.Contains(kv.Key)).ToImmutableDictionary();
    }
}
