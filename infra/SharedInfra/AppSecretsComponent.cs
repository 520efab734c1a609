using System.Collections.Immutable;
using Pulumi;
using Pulumi.Random;
using RingInfra.Core.Shared;

namespace RingInfra.SharedProgram;

/// <summary>
/// The app secret map every ring receives: each credential (APP_KEY, database, Redis, MinIO, search) imported from
/// secret config or generated with Pulumi.Random, as Core decided (<see cref="SharedStackSettings.SecretSources"/>:
/// a configured value always wins; nothing external is ever generated), plus what an operator set as secret config
/// (registry token, Passport keys) and the database user. Also the image-pull config and the connector credentials.
/// Everything here is a Pulumi secret.
/// </summary>
public sealed class AppSecretsComponent : ComponentResource
{
    public AppSecretsComponent(string name, AppSecretsArgs args, ComponentResourceOptions? options = null)
        : base(SharedSecretCatalog.ComponentType, name, options)
    {
        ArgumentNullException.ThrowIfNull(args);
        var child = new CustomResourceOptions { Parent = this };
        var entries = new List<Output<KeyValuePair<string, string>>>();
        foreach (var (key, source) in args.Settings.SecretSources)
        {
            var c = SharedSecretCatalog.Find(key)!;
            var value = source == CredentialSource.Imported
                ? args.SecretConfig(c.ConfigKey) ?? throw new InvalidOperationException($"{c.ConfigKey} was validated as set but is missing")
                : Generate(SharedSecretCatalog.GeneratedName(key), c, child);
            entries.Add(value.Apply(v => new KeyValuePair<string, string>(key, v)));
        }

        foreach (var (key, configKey) in SharedSecretCatalog.Configured)
        {
            if (args.SecretConfig(configKey) is { } value)
            {
                entries.Add(value.Apply(v => new KeyValuePair<string, string>(key, v)));
            }
        }

        entries.Add(Output.CreateSecret(new KeyValuePair<string, string>(SharedSecretCatalog.DbUsernameKey, args.Settings.DbUsername)));
        Secrets = Output.CreateSecret(Output.All(entries).Apply(kvs => kvs.ToImmutableDictionary(StringComparer.Ordinal)));

        var token = args.SecretConfig("registryToken") ?? Output.CreateSecret("");
        ImagePullConfig = Output.CreateSecret(token.Apply(t => DockerConfig.Json(args.Settings.RegistryServer, args.Settings.RegistryUsername, t)));
        ConnectorCredentials = Output.CreateSecret(args.ConnectorSecrets ?? Output.Create(ImmutableDictionary<string, string>.Empty));

        // A hash of every value: rings put it on their pod templates so a rotation rolls them. It reveals nothing usable.
        Revision = Output.Unsecret(Output.Tuple(Secrets, ImagePullConfig, ConnectorCredentials).Apply(t =>
            SharedSecretCatalog.Revision(t.Item1
                .Concat(t.Item3.Select(kv => new KeyValuePair<string, string>("connector:" + kv.Key, kv.Value)))
                .Append(new KeyValuePair<string, string>("imagePullConfig", t.Item2)))));
        RegisterOutputs();
    }

    [Output("secrets")]
    public Output<ImmutableDictionary<string, string>> Secrets { get; private set; }

    [Output("imagePullConfig")]
    public Output<string> ImagePullConfig { get; private set; }

    [Output("connectorCredentials")]
    public Output<ImmutableDictionary<string, string>> ConnectorCredentials { get; private set; }

    [Output("revision")]
    public Output<string> Revision { get; private set; }

    private static Output<string> Generate(string name, AppSecret g, CustomResourceOptions options) => g.Kind switch
    {
        SecretKind.LaravelKey => new RandomBytes(name, new RandomBytesArgs { Length = g.Length }, options).Base64.Apply(b => "base64:" + b),
        SecretKind.AccessKeyId => new RandomPassword(name, new RandomPasswordArgs { Length = g.Length, Special = false, Lower = false }, options).Result,
        _ => new RandomPassword(name, new RandomPasswordArgs { Length = g.Length, Special = true, OverrideSpecial = "-_" }, options).Result,
    };
}
