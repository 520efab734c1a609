using System.Text.Json.Nodes;
using RingInfra.Core.Config;
using RingInfra.Core.Kube;
using RingInfra.Core.Tests.Support;

namespace RingInfra.Core.Tests;

/// <summary>ringctl writes tenant lists into stack files itself, in a form every YAML reader (Core's and the CLI's) reads back unchanged.</summary>
public sealed class StackFileEditorTests
{
    private static JsonObject Own(string text, string ring = "stable")
    {
        var problems = new List<ConfigProblem>();
        var own = StackFiles.ReadStackConfig(text, ring, ConfigKeys.Project, ring, problems).Own;
        problems.ShouldBeEmpty();
        return own;
    }

    [Fact]
    public void SetConfig_ReplacesTheTenantList_AndKeepsEveryOtherLine()
    {
        var original = File.ReadAllText(Path.Combine(Repo.Root, "Pulumi.stable.yaml"));
        var edited = StackFileEditor.SetConfig(original, "ring-infra:tenants", new JsonArray("acme", "zeta"));

        Own(edited)["tenants"]!.ToJsonString().ShouldBe("[\"acme\",\"zeta\"]");
        var before = Own(original);
        var after = Own(edited);
        before.Remove("tenants");
        after.Remove("tenants");
        after.ToJsonString().ShouldBe(before.ToJsonString());
        // Only the list's own lines changed: comments and order stay.
        var removed = original.Split('\n').Except(edited.Split('\n')).ToList();
        var added = edited.Split('\n').Except(original.Split('\n')).ToList();
        removed.ShouldBe(["    - foo"]);
        added.ShouldBe(["    - zeta"]);
    }

    [Theory]
    [InlineData("007")]
    [InlineData("123")]
    [InlineData("true")]
    [InlineData("null")]
    [InlineData("1e3")]
    public void SetConfig_KeepsTenantNamesThatLookLikeOtherTypes_AsStrings(string tenant)
    {
        var edited = StackFileEditor.SetConfig(File.ReadAllText(Path.Combine(Repo.Root, "Pulumi.canary.yaml")), "ring-infra:tenants", new JsonArray(tenant, "acme"));

        var tenants = Own(edited, "canary")["tenants"]!.AsArray();
        tenants.Select(t => t!.GetValueKind()).ShouldAllBe(k => k == System.Text.Json.JsonValueKind.String);
        tenants.Select(t => t!.GetValue<string>()).ShouldBe([tenant, "acme"]);
        edited.ShouldContain($"    - \"{tenant}\"\n");
    }

    [Fact]
    public void SetConfig_AddsAMissingKey_InsideTheConfigSection_BeforeTrailingComments()
    {
        const string text = "# head\nconfig:\n  ring-infra:tier: dev\n  # trailing note\nencryptionsalt: v1:abc\n";
        var edited = StackFileEditor.SetConfig(text, "ring-infra:tenants", new JsonArray("a"));
        edited.ShouldBe("# head\nconfig:\n  ring-infra:tier: dev\n  ring-infra:tenants:\n    - a\n  # trailing note\nencryptionsalt: v1:abc\n");
    }

    [Fact]
    public void SetConfig_WritesAnEmptyListExplicitly_AndReplacesAListWrittenAtTheKeysIndent()
    {
        const string text = "config:\n  ring-infra:tenants:\n  - a\n  - b\n  ring-infra:tier: dev\n";
        StackFileEditor.SetConfig(text, "ring-infra:tenants", new JsonArray())
            .ShouldBe("config:\n  ring-infra:tenants: []\n  ring-infra:tier: dev\n");
    }

    [Fact]
    public void SetConfig_CreatesTheConfigSection_WhenThereIsNone()
    {
        StackFileEditor.SetConfig("encryptionsalt: x\n", "ring-infra:active", JsonValue.Create(false))
            .ShouldBe("encryptionsalt: x\nconfig:\n  ring-infra:active: false\n");
    }

    [Fact]
    public void RemoveTopLevel_DropsOnlyThatKey()
    {
        const string text = "secretsprovider: passphrase\nencryptionsalt: v1:Zm9v:v1:YmFy:YmF6\nconfig:\n  ring-infra:tier: dev\n";
        StackFileEditor.HasTopLevel(text, "encryptionsalt").ShouldBeTrue();
        var stripped = StackFileEditor.RemoveTopLevel(text, "encryptionsalt");
        stripped.ShouldBe("secretsprovider: passphrase\nconfig:\n  ring-infra:tier: dev\n");
        StackFileEditor.HasTopLevel(stripped, "encryptionsalt").ShouldBeFalse();
        StackFileEditor.RemoveTopLevel(stripped, "encryptionsalt").ShouldBe(stripped);
    }

    [Fact]
    public void EditedFiles_ParseAsYaml()
    {
        foreach (var ring in new[] { "stable", "edge", "canary" })
        {
            var edited = StackFileEditor.SetConfig(File.ReadAllText(Path.Combine(Repo.Root, $"Pulumi.{ring}.yaml")), "ring-infra:tenants", new JsonArray("x-1"));
            Should.NotThrow(() => Yaml.ParseDocument(edited, ring));
        }
    }
}
