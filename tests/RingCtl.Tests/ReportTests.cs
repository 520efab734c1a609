using System.Diagnostics;
using System.Text.RegularExpressions;
using RingCtl.Cli;
using RingCtl.Tests.Support;

namespace RingCtl.Tests;

/// <summary>
/// <c>ringctl report</c> (issue 17) loaded by a real browser: Debian's chromium, headless, in a network namespace with
/// no network, dumps the DOM it built from the file. The matrix cells, one SVG lane per ring, one marker per landing.
/// </summary>
[Collection("postgres")]
public sealed partial class ReportTests
{
    private readonly PostgresFixture _pg;

    public ReportTests(PostgresFixture pg)
    {
        _pg = pg;
    }

    private static string? Chromium() => new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);

    [SkippableFact]
    public async Task TheReport_LoadsInARealBrowser_WithTheNetworkOff()
    {
        Skip.If(Chromium() is null, "chromium is not installed (.ci/run installs Debian's chromium)");
        Skip.IfNot(Environment.UserName == "root" && File.Exists("/usr/bin/unshare"), "the network-off check needs root and unshare");
        await using var h = await OpsHarness.CreateAsync(_pg);
        await h.LandedAsync(TimeSpan.FromHours(30));
        var stacks = new FakeStacks(h.Repo.Root);
        (await h.RunAsync(stacks, "promote", "ai", "--from", "canary", "--to", "edge", "--reason", "weekly train", "--yes")).ExitCode.ShouldBe(ExitCodes.Ok);
        var file = h.Repo.PathOf("out/report.html");

        var written = await h.RunAsync(stacks, "report", "--out", file);

        written.ExitCode.ShouldBe(ExitCodes.Ok, written.Err);
        var html = await File.ReadAllTextAsync(file);
        UrlReference().IsMatch(html).ShouldBeFalse("no external asset: no src, no link, no URL");
        var psi = new ProcessStartInfo("unshare", ["-n", Chromium()!, "--headless=new", "--no-sandbox", "--disable-gpu", "--dump-dom", "file://" + file])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var p = Process.Start(psi)!;
        var errTask = p.StandardError.ReadToEndAsync();
        var dom = await p.StandardOutput.ReadToEndAsync();
        p.WaitForExit(120_000).ShouldBeTrue("chromium finished");
        dom.ShouldContain("<h1>RingInfra release report</h1>", customMessage: errTask.Result);

        // The matrix: ai now runs 2.5.0 in edge and canary, 2.3.1 in stable.
        var ai = AiRow().Match(dom).Value;
        ai.ShouldContain("data-ring=\"stable\">2.3.1<");
        ai.ShouldContain("data-ring=\"edge\">2.5.0<");
        ai.ShouldContain("data-ring=\"canary\">2.5.0<");
        ai.ShouldContain("class=\"state equal\"");

        // One lane per ring in every module's timeline, one marker per landing: each ring's current version of each module.
        var timelines = Regex.Split(dom, "<svg ").Skip(1).ToList();
        timelines.Count.ShouldBe(23);
        timelines.ShouldAllBe(t => Regex.Matches(t, "<g class=\"lane\"").Count == 3);
        Regex.Matches(dom, "<circle class=\"landing\"").Count.ShouldBe(3 * 23);
        var aiTimeline = timelines.Single(t => t.StartsWith("class=\"timeline\" data-module=\"ai\"", StringComparison.Ordinal));
        Regex.Match(aiTimeline, "data-ring=\"edge\".*?</g>", RegexOptions.Singleline).Value.ShouldContain("data-version=\"2.5.0\"");
        dom.ShouldContain("weekly train", customMessage: "the last operations, with their reasons");
    }

    [GeneratedRegex("(src|href)\\s*=|https?://(?!.*Content-Security-Policy)|@import|url\\(", RegexOptions.IgnoreCase)]
    private static partial Regex UrlReference();

    [GeneratedRegex("<tr data-module=\"ai\">.*?</tr>", RegexOptions.Singleline)]
    private static partial Regex AiRow();
}
