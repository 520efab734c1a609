using RingCtl.Cli;
using RingCtl.Tests.Support;
using RingInfra.Core.Rendering;
using RingInfra.Core.Tests.Support;

namespace RingCtl.Tests;

public sealed class RenderCommandTests : IDisposable
{
    private readonly string _out = Path.Combine(Path.GetTempPath(), "ringctl-out-" + Guid.NewGuid().ToString("N")[..10]);

    public void Dispose()
    {
        if (Directory.Exists(_out))
        {
            Directory.Delete(_out, recursive: true);
        }
    }

    [SkippableFact]
    public async Task RenderAll_ToOut_EveryRingFolderBuildsWithKubectlKustomize()
    {
        var result = await RingCtlRunner.RunAsync(Repo.Root, "render", "--all", "--out", _out, "--root", Repo.Root);
        result.ExitCode.ShouldBe(ExitCodes.Ok, result.Err);
        Directory.GetDirectories(_out).Select(Path.GetFileName).ShouldBe(["canary", "edge", "stable"], ignoreOrder: true);

        var kubectl = FindOnPath("kubectl");
        Skip.If(kubectl is null, "kubectl is not installed: the kustomize build of the render cannot be checked");
        foreach (var ring in Repo.RenderAll())
        {
            var (code, stdout, stderr) = ProcessRunner.Run(kubectl!, ["kustomize", Path.Combine(_out, ring.Ring)]);
            code.ShouldBe(0, stderr);
            var built = RingInfra.Core.Kube.Yaml.ParseDocuments(stdout, ring.Ring);
            built.Count.ShouldBe(ring.Objects.Count(o => o.Kind != "Secret"), ring.Ring);
            // What `kubectl apply -k` would apply: no keys-only Secret, so no live Secret is ever blanked.
            built.ShouldNotContain(o => o!["kind"]!.ToString() == "Secret");
            stdout.ShouldNotContain(".dockerconfigjson");
        }
    }

    [Fact]
    public async Task RenderAllOnEveryCore_WritesTheFilesAndOrderOfRingByRingRenders()
    {
        using var repo = new TempRepo();
        repo.AddStagingRings(6);
        var rings = repo.Load().Rings.Select(r => r.Name).ToList();
        rings.Count.ShouldBe(9);
        var one = Path.Combine(_out, "one-by-one");
        foreach (var ring in rings)
        {
            (await RingCtlRunner.RunAsync(repo.Root, "render", ring, "--out", one, "--root", repo.Root)).ExitCode.ShouldBe(ExitCodes.Ok);
        }

        var all = Path.Combine(_out, "all");
        var result = await RingCtlRunner.RunAsync(repo.Root, "render", "--all", "--out", all, "--root", repo.Root);

        result.ExitCode.ShouldBe(ExitCodes.Ok, result.Err);
        string Tree(string root) => string.Join("\n", Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => Path.GetRelativePath(root, f) + "\n" + File.ReadAllText(f)));
        Tree(all).ShouldBe(Tree(one));
        Directory.GetDirectories(all).ShouldNotContain(d => Path.GetFileName(d).StartsWith('.'), "no staging folder is left");
        // The table lists the rings in the fleet's order, whichever finished first.
        result.Out.Split('\n').Select(l => rings.FirstOrDefault(r => l.Contains($" {r} ", StringComparison.Ordinal))).OfType<string>().ShouldBe(rings);

        var stdout = await RingCtlRunner.RunAsync(repo.Root, "render", "--all", "--root", repo.Root);
        var each = new List<string>();
        foreach (var ring in rings)
        {
            each.Add((await RingCtlRunner.RunAsync(repo.Root, "render", ring, "--root", repo.Root)).Out);
        }

        stdout.Out.ShouldBe(string.Join("---\n", each));
    }

    [Fact]
    public async Task RenderAgain_ReusesTheUnchangedFiles_RewritesAHandEditedOne_AndEndsWithTheBytesOfAFreshRender()
    {
        (await RingCtlRunner.RunAsync(Repo.Root, "render", "canary", "--out", _out, "--root", Repo.Root)).ExitCode.ShouldBe(0);
        var folder = Path.Combine(_out, "canary");
        var inodes = Directory.GetFiles(folder).ToDictionary(f => Path.GetFileName(f), Inode);
        var edited = Path.Combine(folder, "service-api.yaml");
        await File.AppendAllTextAsync(edited, "# edited by hand\n");

        (await RingCtlRunner.RunAsync(Repo.Root, "render", "canary", "--out", _out, "--root", Repo.Root)).ExitCode.ShouldBe(0);

        var fresh = Path.Combine(_out, "fresh");
        (await RingCtlRunner.RunAsync(Repo.Root, "render", "canary", "--out", fresh, "--root", Repo.Root)).ExitCode.ShouldBe(0);
        foreach (var file in Directory.GetFiles(Path.Combine(fresh, "canary")).Select(Path.GetFileName))
        {
            File.ReadAllText(Path.Combine(folder, file!)).ShouldBe(File.ReadAllText(Path.Combine(fresh, "canary", file!)), file);
        }

        Directory.GetFiles(folder).Length.ShouldBe(inodes.Count);
        Inode(edited).ShouldNotBe(inodes["service-api.yaml"], "a file that differs is written anew");
        Inode(Path.Combine(folder, "deployment-api.yaml")).ShouldBe(inodes["deployment-api.yaml"], "an unchanged file is linked, not rewritten");
        Directory.GetDirectories(_out).Select(Path.GetFileName).ShouldBe(["canary", "fresh"], ignoreOrder: true);
    }

    private static string Inode(string path) => ProcessRunner.Run("stat", ["-c", "%i", path]).Out.Trim();

    [Fact]
    public async Task RenderToStdout_IsCoresYaml()
    {
        var result = await RingCtlRunner.RunAsync(Repo.Root, "render", "canary", "--root", Repo.Root);
        result.ExitCode.ShouldBe(ExitCodes.Ok, result.Err);
        result.Out.ShouldBe(RingRenderer.ToYaml(Repo.Render("canary")));
    }

    [Fact]
    public async Task RenderAgain_ReplacesTheRingFolderWhole()
    {
        (await RingCtlRunner.RunAsync(Repo.Root, "render", "canary", "--out", _out, "--root", Repo.Root)).ExitCode.ShouldBe(0);
        var stale = Path.Combine(_out, "canary", "stale.yaml");
        await File.WriteAllTextAsync(stale, "left over");
        (await RingCtlRunner.RunAsync(Repo.Root, "render", "canary", "--out", _out, "--root", Repo.Root)).ExitCode.ShouldBe(0);
        File.Exists(stale).ShouldBeFalse();
        File.ReadAllText(Path.Combine(_out, "canary", "kustomization.yaml")).ShouldContain("deployment-api.yaml");
    }

    [Fact]
    public async Task RenderedSecrets_CarryKeysNeverValues_InAFileNoKustomizationLists()
    {
        (await RingCtlRunner.RunAsync(Repo.Root, "render", "--all", "--out", _out, "--root", Repo.Root)).ExitCode.ShouldBe(0);
        Directory.GetFiles(_out, "secret-*.yaml", SearchOption.AllDirectories).ShouldBeEmpty();
        var files = Directory.GetFiles(_out, RenderLayout.SecretsFile, SearchOption.AllDirectories);
        files.Length.ShouldBe(3);
        var secrets = 0;
        foreach (var file in files)
        {
            var text = await File.ReadAllTextAsync(file);
            text.ShouldStartWith("# Keys only: the values come from the shared stack's secrets");
            File.ReadAllText(Path.Combine(Path.GetDirectoryName(file)!, "kustomization.yaml")).ShouldNotContain(RenderLayout.SecretsFile);
            foreach (var doc in RingInfra.Core.Kube.Yaml.ParseDocuments(text, file))
            {
                secrets++;
                var data = doc!["data"]!.AsObject();
                data.Count.ShouldBeGreaterThan(0, file);
                foreach (var (key, value) in data)
                {
                    // Empty values, except the image-pull config: valid JSON with no credentials in it.
                    var decoded = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(value!.ToString()));
                    decoded.ShouldBe(key == ".dockerconfigjson" ? "{\"auths\":{}}" : "", $"{file} {key}");
                }
            }
        }

        secrets.ShouldBe(9);
    }

    [Fact]
    public async Task RenderJson_ListsTheFoldersWritten()
    {
        var result = await RingCtlRunner.RunAsync(Repo.Root, "render", "edge", "canary", "--out", _out, "--json", "--root", Repo.Root);
        result.ExitCode.ShouldBe(0, result.Err);
        var doc = System.Text.Json.Nodes.JsonNode.Parse(result.Out)!;
        doc["rings"]!.AsArray().Select(r => r!["ring"]!.ToString()).ShouldBe(["edge", "canary"]);
    }

    internal static string? FindOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);
}
