using System.Text;
using RingInfra.Core.Config;
using RingInfra.Core.Fleet;
using RingInfra.Core.Kube;
using RingInfra.Core.Locks;
using RingInfra.Core.Tests.Support;

namespace RingInfra.Core.Tests;

/// <summary>
/// Stack, lock and shared-stack files come from pull requests, forks included: a hostile file must be refused
/// before it is expanded. Memory is bounded by what the parse allocates (counted, not timed).
/// </summary>
public sealed class YamlLimitsTests
{
    /// <summary>The 478-byte "billion laughs" of the security review: nine levels of ten aliases each.</summary>
    private static string AliasBomb()
    {
        var sb = new StringBuilder("config:\n  ring-infra:env:\n    a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (var i = 1; i < 9; i++)
        {
            sb.Append($"    a{i}: &a{i} [{string.Join(",", Enumerable.Repeat($"*a{i - 1}", 9))}]\n");
        }

        return sb.ToString();
    }

    private static (YamlFormatException Error, long Allocated) Refused(string text)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Should.Throw<YamlFormatException>(() => Yaml.ParseDocument(text, "Pulumi.canary.yaml"));
        return (e, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void AnAliasBomb_IsRefusedAtItsFirstAnchor_WithBoundedMemory()
    {
        var bomb = AliasBomb();
        bomb.Length.ShouldBeLessThan(600);
        var (e, allocated) = Refused(bomb);
        e.Message.ShouldBe("Pulumi.canary.yaml: invalid YAML at line 3, column 9: defines the anchor &a0: anchors and aliases are not allowed");
        allocated.ShouldBeLessThan(10_000_000);
    }

    [Fact]
    public void ASelfReferencingAlias_IsRefused_NotRecursedInto()
    {
        var (e, _) = Refused("config:\n  ring-infra:tenants: &x [ *x ]\n");
        e.Message.ShouldBe("Pulumi.canary.yaml: invalid YAML at line 2, column 23: defines the anchor &x: anchors and aliases are not allowed");
    }

    [Fact]
    public void AnAliasWithoutAnAnchorOfItsOwn_IsRefused()
    {
        var (e, _) = Refused("config:\n  ring-infra:tier: *t\n");
        e.Reason.ShouldBe("uses the alias *t: anchors and aliases are not allowed");
        e.Line.ShouldBe(2);
    }

    [Fact]
    public void AnOversizedFile_IsRefusedWithoutParsing()
    {
        var big = "config:\n  ring-infra:description: \"" + new string('x', Yaml.MaxChars) + "\"\n";
        var (e, allocated) = Refused(big);
        e.Message.ShouldBe($"Pulumi.canary.yaml: invalid YAML: the file has {big.Length} characters; at most {Yaml.MaxChars} are read");
        allocated.ShouldBeLessThan(1_000_000);
    }

    [Fact]
    public void DeepNesting_IsRefused()
    {
        var (e, _) = Refused(new string('[', Yaml.MaxDepth + 1) + new string(']', Yaml.MaxDepth + 1));
        e.Reason.ShouldBe($"nests deeper than {Yaml.MaxDepth} levels");
    }

    [Fact]
    public void TooManyNodes_AreRefused()
    {
        var (e, _) = Refused("[" + string.Join(",", Enumerable.Repeat("1", Yaml.MaxNodes + 1)) + "]");
        e.Reason.ShouldBe($"holds more than {Yaml.MaxNodes} nodes");
    }

    [Fact]
    public void AnAliasBombInARingFile_IsAConfigProblemNamingTheFile()
    {
        using var repo = new TempRepo();
        repo.Write("Pulumi.canary.yaml", AliasBomb());
        var e = Should.Throw<RingConfigException>(() => FleetLoader.Load(new DirectoryFiles(repo.Root)));
        e.Problems.ShouldContain(p => p.Message.Contains("Pulumi.canary.yaml", StringComparison.Ordinal) && p.Message.Contains("anchors and aliases are not allowed", StringComparison.Ordinal));
    }

    [Fact]
    public void AnOversizedLock_IsAProblem_NotAParse()
    {
        var problems = new List<ConfigProblem>();
        ModuleLockParser.TryParse("{\"ring\":\"canary\",\"modules\":{}}" + new string(' ', Yaml.MaxChars), "canary", "stacks/locks/canary.lock.json", problems).ShouldBeNull();
        problems.Single().Message.ShouldBe($"lock 'stacks/locks/canary.lock.json': (file) must be at most {Yaml.MaxChars} characters (got {Yaml.MaxChars + 30} characters)");
    }

    [Fact]
    public void TheRepositorysOwnFiles_AreWellWithinTheLimits()
    {
        Should.NotThrow(() => Repo.LoadFleet());
    }
}
