using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using RingInfra.Core.Locks;

namespace RingInfra.Bench;

/// <summary>
/// A synthetic fleet on disk: R ring stack files, T tenants spread over them, M modules per lock, the shared stack. With
/// C clusters per ring (doc 003): clusters c1…cC in two regions (eu: every cluster but the last; us: the last), a shared
/// stack per region (<c>shared-eu</c>, <c>shared-us</c>), and a third of each ring's tenants homed in eu, a third in us.
/// </summary>
public static class FleetGenerator
{
    public static readonly string[] Regions = ["eu", "us"];

    public static string RegionOf(int cluster, int clusters) => cluster < clusters - 1 ? "eu" : "us";

    public static void Write(string dir, int rings, int tenants, int modules, string repositoryRoot, int clusters = 0)
    {
        Directory.CreateDirectory(Path.Combine(dir, "stacks", "locks"));
        Directory.CreateDirectory(Path.Combine(dir, "stacks", "shared"));
        File.Copy(Path.Combine(repositoryRoot, "Pulumi.yaml"), Path.Combine(dir, "Pulumi.yaml"), overwrite: true);
        var shared = File.ReadAllText(Path.Combine(repositoryRoot, "stacks", "shared", "Pulumi.shared.yaml"));
        // Synthetic rings have no connectors: the shared stack binds no credentials to them.
        var cut = shared.IndexOf("  ring-infra-shared:connectorCredentials:", StringComparison.Ordinal);
        var tail = shared.IndexOf("  ring-infra-shared:tenants:", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(dir, "stacks", "shared", "Pulumi.shared.yaml"), shared[..cut] + shared[tail..]);
        if (clusters > 0)
        {
            foreach (var region in Regions)
            {
                File.WriteAllText(Path.Combine(dir, "stacks", "shared", $"Pulumi.shared-{region}.yaml"), shared[..cut] + shared[tail..]);
            }
        }

        var perRing = Enumerable.Range(0, rings).Select(_ => new List<string>()).ToList();
        for (var t = 0; t < tenants; t++)
        {
            perRing[t % rings].Add($"tenant-{t:D6}");
        }

        for (var r = 0; r < rings; r++)
        {
            var name = RingName(r);
            var sb = new StringBuilder();
            sb.Append("config:\n");
            sb.Append(CultureInfo.InvariantCulture, $"  ring-infra:namespace: {(r == 0 ? "autocom" : "autocom-" + name)}\n");
            sb.Append(CultureInfo.InvariantCulture, $"  ring-infra:hostnameSegment: {name}\n");
            sb.Append(CultureInfo.InvariantCulture, $"  ring-infra:promotionOrder: {r * 10}\n");
            sb.Append(CultureInfo.InvariantCulture, $"  ring-infra:tier: {(r == 0 ? "production" : r % 2 == 0 ? "staging" : "dev")}\n");
            if (r == 0)
            {
                sb.Append("  ring-infra:default: true\n");
                // A production-tier ring serves HTTPS (lint: production-tls).
                sb.Append("  ring-infra:tls:\n    clusterIssuer: letsencrypt\n");
            }

            sb.Append("  ring-infra:env:\n    LOG_LEVEL: info\n");
            sb.Append("  ring-infra:tenants:\n");
            foreach (var t in perRing[r])
            {
                sb.Append("    - ").Append(t).Append('\n');
            }

            if (clusters > 0)
            {
                sb.Append("  ring-infra:clusters:\n");
                for (var c = 0; c < clusters; c++)
                {
                    sb.Append(CultureInfo.InvariantCulture, $"    - name: c{c + 1}\n      region: {RegionOf(c, clusters)}\n");
                }

                sb.Append("  ring-infra:sharedStack:\n");
                foreach (var region in Regions)
                {
                    sb.Append(CultureInfo.InvariantCulture, $"    {region}: organization/ring-infra-shared/shared-{region}\n");
                }

                sb.Append("  ring-infra:tenantRegions:\n");
                for (var i = 0; i < perRing[r].Count; i++)
                {
                    if (i % 3 < 2)
                    {
                        sb.Append(CultureInfo.InvariantCulture, $"    {perRing[r][i]}: {Regions[i % 3]}\n");
                    }
                }
            }

            File.WriteAllText(Path.Combine(dir, $"Pulumi.{name}.yaml"), sb.ToString());
            var lockModules = Enumerable.Range(0, modules).Select(m =>
            {
                var version = new SemanticVersion(1, m % 10, r, "", "");
                var alias = $"module-{m:D3}";
                var artifact = ModuleArtifacts.NameFor(alias, version);
                return new LockedModule(alias, version, artifact, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(artifact))));
            });
            File.WriteAllText(Path.Combine(dir, "stacks", "locks", $"{name}.lock.json"), new ModuleLock(name, lockModules).CanonicalJson);
        }
    }

    public static string RingName(int r) => r == 0 ? "stable" : $"ring-{r:D3}";
}
