using System.Collections.Immutable;
using Pulumi;
using RingInfra.Core.Config;
using RingInfra.Core.Fleet;
using RingInfra.Core.Rendering;
using RingInfra.Core.Shared;
using RingInfra.RingProgram;
using K8s = Pulumi.Kubernetes;

namespace RingInfra.SharedProgram;

/// <summary>
/// What every ring shares: the shared namespace and its ingress policy (open to every namespace
/// labelled as a ring), the generated app secrets, one database and role per tenant, and the outputs
/// rings read through their StackReference — catalog, config, secret names, the secret map (secret)
/// and its non-secret revision.
/// </summary>
public sealed class SharedStack : Stack
{
    public SharedStack()
        : this(null)
    {
    }

    /// <summary>With stack options (tests observe every registration through a stack transformation).</summary>
    public SharedStack(StackOptions? options)
        : base(options)
    {
        var stack = Deployment.Instance.StackName;
        var config = new Pulumi.Config(SharedFactsReader.Project);
        var settings = Load(stack, config);
        var facts = settings.Facts;
        var provider = KubeMeta.Provider(KubernetesTarget.Decide(new Pulumi.Config("kubernetes").Get("context"), stack));
        var ns = new K8s.Core.V1.Namespace("namespace", new K8s.Types.Inputs.Core.V1.NamespaceArgs
        {
            Metadata = KubeMeta.From(SharedRenderer.Namespace(facts, settings.PsaVersion)),
        }, KubeOptions.Resource(provider));
        _ = new K8s.Yaml.V2.ConfigGroup("ring-ingress", new K8s.Types.Inputs.Yaml.V2.ConfigGroupArgs
        {
            Yaml = SharedRenderer.IngressPoliciesYaml(facts),
        }, KubeOptions.Remote(provider, dependsOn: ns));

        var secrets = new AppSecretsComponent(SharedSecretCatalog.ComponentName, new AppSecretsArgs
        {
            Settings = settings,
            SecretConfig = config.GetSecret,
            ConnectorSecrets = config.GetSecretObject<Dictionary<string, string>>("connectorSecrets")?.Apply(d => d.ToImmutableDictionary(StringComparer.Ordinal)),
        });

        _ = ManagedServices(settings, secrets, provider, ns);
        if (settings.Postgres is { } server)
        {
            (string, Output<string>)? appRole = settings.SecretSources.GetValueOrDefault("DB_PASSWORD") == CredentialSource.Generated
                ? (settings.DbUsername, secrets.Secrets.Apply(s => s["DB_PASSWORD"]))
                : null;
            var tenants = new TenantDatabasesComponent("tenant-databases", server, config.RequireSecret("postgresPassword"), settings.Tenants, appRole);
            TenantDatabases = tenants.Databases;
            TenantPasswords = tenants.Passwords;
        }
        else
        {
            Log.Warn("no ring-infra-shared:postgres configured: per-tenant databases are not managed by this stack");
            TenantDatabases = Output.Create(ImmutableDictionary<string, string>.Empty);
            TenantPasswords = Output.CreateSecret(ImmutableDictionary<string, string>.Empty);
        }

        Namespace = Output.Create(facts.Namespace);
        ServiceCatalog = Output.Create(SharedStackExports.Catalog(facts).ToImmutableDictionary());
        Config = Output.Create(facts.Config.ToImmutableDictionary(StringComparer.Ordinal));
        ConnectorCredentialBindings = Output.Create(facts.ConnectorCredentials.ToImmutableDictionary(StringComparer.Ordinal));
        Secrets = secrets.Secrets;
        AppSecretKeys = Output.Unsecret(secrets.Secrets.Apply(s => s.Keys.Order(StringComparer.Ordinal).ToImmutableArray()));
        ImagePullConfig = secrets.ImagePullConfig;
        ConnectorCredentials = secrets.ConnectorCredentials;
        SecretsRevision = secrets.Revision;
    }

    [Output(SharedStackExports.Namespace)]
    public Output<string> Namespace { get; private set; }

    [Output(SharedStackExports.ServiceCatalog)]
    public Output<ImmutableDictionary<string, object>> ServiceCatalog { get; private set; }

    [Output(SharedStackExports.Config)]
    public Output<ImmutableDictionary<string, string>> Config { get; private set; }

    [Output(SharedStackExports.AppSecretKeys)]
    public Output<ImmutableArray<string>> AppSecretKeys { get; private set; }

    [Output(SharedStackExports.CredentialBindings)]
    public Output<ImmutableDictionary<string, string>> ConnectorCredentialBindings { get; private set; }

    [Output(SharedStackExports.SecretsRevision)]
    public Output<string> SecretsRevision { get; private set; }

    [Output(SharedStackExports.TenantDatabases)]
    public Output<ImmutableDictionary<string, string>> TenantDatabases { get; private set; }

    [Output(SharedStackExports.Secrets)]
    public Output<ImmutableDictionary<string, string>> Secrets { get; private set; }

    [Output(SharedStackExports.ImagePullConfig)]
    public Output<string> ImagePullConfig { get; private set; }

    [Output(SharedStackExports.ConnectorCredentials)]
    public Output<ImmutableDictionary<string, string>> ConnectorCredentials { get; private set; }

    [Output(SharedStackExports.TenantPasswords)]
    public Output<ImmutableDictionary<string, string>> TenantPasswords { get; private set; }

    /// <summary>
    /// The catalog services this stack manages (Core renders them): their credentials Secret, filled from the same
    /// secret map the rings receive, then their objects in one ConfigGroup whose pods roll when the secrets change.
    /// </summary>
    private static K8s.Yaml.V2.ConfigGroup? ManagedServices(SharedStackSettings settings, AppSecretsComponent secrets, ProviderResource provider, Resource ns)
    {
        var facts = settings.Facts;
        if (!facts.Services.Any(s => s.Managed))
        {
            return null;
        }

        var keys = SharedServiceObjects.CredentialKeys(facts);
        var dependsOn = new List<Resource> { ns };
        if (keys.Count > 0)
        {
            var meta = new K8s.Types.Inputs.Meta.V1.ObjectMetaArgs { Name = SharedServiceObjects.CredentialsSecret, Namespace = facts.Namespace };
            meta.Labels.Add("app.kubernetes.io/managed-by", "ringinfra");
            meta.Labels.Add("ringinfra.io/shared", "true");
            dependsOn.Add(new K8s.Core.V1.Secret("shared-service-credentials", new K8s.Types.Inputs.Core.V1.SecretArgs
            {
                Metadata = meta,
                Type = "Opaque",
                StringData = secrets.Secrets.Apply(all => keys.ToImmutableDictionary(k => k, k => all[k], StringComparer.Ordinal)),
            }, new CustomResourceOptions { Provider = provider, DependsOn = ns, AdditionalSecretOutputs = { "data", "stringData" } }));
        }

        var yaml = secrets.Revision.Apply(revision => Core.Kube.Yaml.WriteAll(SharedServiceObjects.Render(facts, revision)
            .Where(o => o.Kind != "Secret").Select(o => (System.Text.Json.Nodes.JsonNode?)o.Body)));
        return new K8s.Yaml.V2.ConfigGroup("shared-services", new K8s.Types.Inputs.Yaml.V2.ConfigGroupArgs { Yaml = yaml },
            KubeOptions.Remote(provider, dependsOn: [.. dependsOn]));
    }

    private static SharedStackSettings Load(string stack, Pulumi.Config config)
    {
        try
        {
            return StackInputs.LoadShared(stack, config.Get, key => config.GetSecret(key) is not null);
        }
        catch (RingConfigException e)
        {
            throw KubeMeta.Invalid($"invalid configuration for the shared stack '{stack}'", e.Problems.Count > 0 ? e.Problems.Select(p => p.Message) : [e.Message]);
        }
    }
}
