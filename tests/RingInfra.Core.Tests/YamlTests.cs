using System.Text.Json.Nodes;
using RingInfra.Core.Kube;

namespace RingInfra.Core.Tests;

public sealed class YamlTests
{
    [Theory]
    [InlineData("true")]
    [InlineData("no")]
    [InlineData("5432")]
    [InlineData("1e3")]
    [InlineData("0x1F")]
    [InlineData("10:30")]
    [InlineData("2026-12-20")]
    [InlineData("*.acme.io")]
    [InlineData("- dash")]
    [InlineData("key: value")]
    [InlineData("a # comment")]
    [InlineData("")]
    [InlineData(" padded")]
    [InlineData("line1\nline2")]
    [InlineData("ends with newline\n")]
    [InlineData("quote \" and \\ backslash")]
    [InlineData("250m")]
    [InlineData("sha256:abc")]
    public void StringScalars_ReadBackAsTheSameString(string value)
    {
        var node = new JsonObject { ["k"] = value, ["list"] = new JsonArray(value) };
        var back = Yaml.ParseDocument(Yaml.Write(node), "t");
        JsonNode.DeepEquals(back, node).ShouldBeTrue(Yaml.Write(node));
    }

    [Fact]
    public void PlainScalars_ResolveToTypes()
    {
        var n = Yaml.ParseDocument("a: 1\nb: true\nc: null\nd: '1'\ne: 1.5\nf: text\n", "t")!;
        n["a"]!.GetValue<long>().ShouldBe(1);
        n["b"]!.GetValue<bool>().ShouldBeTrue();
        n["c"].ShouldBeNull();
        n["d"]!.GetValue<string>().ShouldBe("1");
        n["e"]!.GetValue<double>().ShouldBe(1.5);
        n["f"]!.GetValue<string>().ShouldBe("text");
    }

    [Fact]
    public void DuplicateKey_IsAnError_NamingTheKeyAndLine()
    {
        Should.Throw<YamlFormatException>(() => Yaml.ParseDocument("a: 1\nb: 2\na: 3\n", "f.yaml"))
            .Message.ShouldBe("f.yaml: invalid YAML at line 3, column 1: Duplicate key a");
    }

    [Fact]
    public void InvalidYaml_NamesTheFileAndPosition()
    {
        Should.Throw<YamlFormatException>(() => Yaml.ParseDocument("a: [1, 2\n", "f.yaml")).Message.ShouldStartWith("f.yaml: invalid YAML at line");
    }
}
