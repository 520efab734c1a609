using RingInfra.Core.Fleet;

namespace RingInfra.Core.Tests.Support;

/// <summary>A throw-away copy of the repository's ring, lock and shared stack files, for tests that change them.</summary>
public sealed class TempRepo : IDisposable
{
    private static readonly string[] Copied = ["Pulumi.yaml", "Pulumi.stable.yaml", "Pulumi.edge.yaml", "Pulumi.canary.yaml",
        "stacks/locks/stable.lock.json", "stacks/locks/edge.lock.json", "stacks/locks/canary.lock.json",
        "stacks/shared/Pulumi.yaml", "stacks/shared/Pulumi.shared.yaml"];

    /// <summary>The year-end freeze window of the repository's stable ring (a real plan: 2026-12-18 to 2027-01-05).</summary>
    public const string RepositoryFreeze = "start: \"2026-12-18T00:00:00Z\"\n      end: \"2027-01-05T00:00:00Z\"";

    /// <summary>Where a test copy puts that window: the same dates in 2098, so that no test depends on today's date.</summary>
    public const string FreezeStart = "2098-12-18T00:00:00Z";

    public const string FreezeEnd = "2099-01-05T00:00:00Z";

    /// <summary>The copy's stable freeze window as it stands in its file (tests that freeze stable replace it).</summary>
    public const string Freeze = "start: \"" + FreezeStart + "\"\n      end: \"" + FreezeEnd + "\"";

    public TempRepo()
    {
        Root = Path.Combine(Path.GetTempPath(), "ringinfra-test-" + Guid.NewGuid().ToString("N")[..12]);
        foreach (var f in Copied)
        {
            var target = Path.Combine(Root, f);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(Repo.Root, f), target);
        }

        // Gates judge freezes on the database's clock: with the real window, every test that changes stable would fail
        // from 2026-12-18 to 2027-01-05. Tests that need a frozen ring freeze it themselves (GateBypassTests).
        Replace("Pulumi.stable.yaml", RepositoryFreeze, Freeze);
    }

    public string Root { get; }

    public string PathOf(string relative) => Path.Combine(Root, relative);

    public string Read(string relative) => File.ReadAllText(PathOf(relative));

    public void Write(string relative, string text) => File.WriteAllText(PathOf(relative), text);

    /// <summary>Replaces exactly one occurrence of <paramref name="from"/> (fails loudly if the fixture drifted).</summary>
    public void Replace(string relative, string from, string to)
    {
        var text = Read(relative);
        var at = text.IndexOf(from, StringComparison.Ordinal);
        if (at < 0 || text.IndexOf(from, at + 1, StringComparison.Ordinal) >= 0)
        {
            throw new InvalidOperationException($"'{from}' must occur exactly once in {relative}");
        }

        Write(relative, text[..at] + to + text[(at + from.Length)..]);
    }

    /// <summary>Adds <paramref name="count"/> staging rings copied from edge (no tenants, no connectors), ring-a, ring-b, ….</summary>
    public void AddStagingRings(int count)
    {
        var edge = Read("Pulumi.edge.yaml");
        var template = edge[..edge.IndexOf("  ring-infra:tenants:", StringComparison.Ordinal)]
            + edge[edge.IndexOf("  ring-infra:env:", StringComparison.Ordinal)..edge.IndexOf("  ring-infra:connectors:", StringComparison.Ordinal)];
        for (var i = 0; i < count; i++)
        {
            var name = $"ring-{(char)('a' + i)}";
            Write($"Pulumi.{name}.yaml", template
                .Replace("autocom-edge", $"autocom-{name}", StringComparison.Ordinal)
                .Replace("hostnameSegment: edge", $"hostnameSegment: {name}", StringComparison.Ordinal)
                .Replace("promotionOrder: 10", $"promotionOrder: {30 + i}", StringComparison.Ordinal));
            Write($"stacks/locks/{name}.lock.json", Read("stacks/locks/edge.lock.json").Replace("\"edge\"", $"\"{name}\"", StringComparison.Ordinal));
        }
    }

    public RingFleet Load() => FleetLoader.Load(new DirectoryFiles(Root));

    /// <summary>The three clusters in two regions <see cref="AddClusters"/> gives edge, in rollout order.</summary>
    public const string EdgeClusters = "  ring-infra:clusters:\n    - name: eu-1\n      region: eu\n    - name: eu-2\n      region: eu\n    - name: us-1\n      region: us\n"
        + "  ring-infra:sharedStack:\n    eu: organization/ring-infra-shared/shared-eu\n    us: organization/ring-infra-shared/shared-us\n";

    /// <summary>
    /// Gives edge three clusters in two regions (eu-1, eu-2 in eu; us-1 in us), each region its shared stack
    /// (<c>shared-eu</c>: a copy of <c>shared</c>; <c>shared-us</c>: redis on port 6380), and optionally the tenants' home regions.
    /// </summary>
    public void AddClusters(string? tenantRegions = "    widgets: eu\n    bar: us\n")
    {
        var shared = Read("stacks/shared/Pulumi.shared.yaml");
        Write("stacks/shared/Pulumi.shared-eu.yaml", shared);
        Write("stacks/shared/Pulumi.shared-us.yaml", shared.Replace("    redis:\n      port: 6379", "    redis:\n      port: 6380", StringComparison.Ordinal));
        var edge = Read("Pulumi.edge.yaml").TrimEnd('\n') + "\n" + EdgeClusters;
        Write("Pulumi.edge.yaml", tenantRegions is null ? edge : edge + "  ring-infra:tenantRegions:\n" + tenantRegions);
    }

    public void Dispose()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}
