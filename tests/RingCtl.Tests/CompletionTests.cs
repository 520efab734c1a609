using System.Diagnostics;
using RingCtl.Cli;
using RingCtl.Tests.Support;
using RingInfra.Core.Tests.Support;

namespace RingCtl.Tests;

/// <summary>
/// Shell completion (issue 17): commands, ring names and module aliases from the repository; the bash script is valid
/// bash and drives the callback. Completion reads the repository the shell is in (the process's directory), so these
/// tests change it — alone, never beside another test.
/// </summary>
[Collection(CompletionCollection.Name)]
public sealed class CompletionTests
{
    private static async Task<string[]> CompleteAsync(params string[] words)
    {
        var cwd = Directory.GetCurrentDirectory();
        Directory.SetCurrentDirectory(Repo.Root);
        try
        {
            var r = await RingCtlRunner.RunAsync(Repo.Root, ["__complete", words.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), .. words]);
            r.ExitCode.ShouldBe(ExitCodes.Ok, r.Err);
            return r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
        finally
        {
            Directory.SetCurrentDirectory(cwd);
        }
    }

    [Fact]
    public async Task Commands_Rings_AndModules_AreCompleted()
    {
        (await CompleteAsync("ri")).ShouldBe(["ring"]);
        (await CompleteAsync("ring", "")).ShouldContain("diff");
        var rings = await CompleteAsync("up", "");
        rings.ShouldContain("canary");
        rings.ShouldContain("stable");
        rings.ShouldContain("--all");
        (await CompleteAsync("promote", "or")).ShouldBe(["orders"]);
        (await CompleteAsync("promote", "ai", "--to", "e")).ShouldBe(["edge"]);
        (await CompleteAsync("rollback", "ai", "--ring", "")).ShouldBe(["canary", "edge", "stable"]);
        (await CompleteAsync("ring", "")).ShouldNotContain(c => c.StartsWith("/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheHelp_NamesArguments_AndNeverListsCompletions()
    {
        var help = await RingCtlRunner.RunAsync(Repo.Root, "--help");
        help.Out.ShouldContain("promote <module>");
        help.Out.ShouldContain("up <ring>");
        help.Out.ShouldNotContain("<ai|", customMessage: "completions would read the repository on every --help");
        (await RingCtlRunner.RunAsync(Repo.Root, "promote", "--help")).Out.ShouldContain("--to <ring>");
    }

    [Fact]
    public async Task TheBashScript_IsValid_AndCompletesThroughTheCallback()
    {
        var script = await RingCtlRunner.RunAsync(Repo.Root, "completion", "bash");
        script.ExitCode.ShouldBe(ExitCodes.Ok);
        script.Out.ShouldContain("complete -o default -F _ringctl ringctl");
        var zsh = await RingCtlRunner.RunAsync(Repo.Root, "completion", "zsh");
        zsh.Out.ShouldStartWith("#compdef ringctl");
        (await RingCtlRunner.RunAsync(Repo.Root, "completion", "fish")).ExitCode.ShouldBe(ExitCodes.Usage);

        // The function, run by a real bash with a stand-in `ringctl` that answers as the callback would.
        var dir = Directory.CreateTempSubdirectory("ringinfra-completion").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "ringctl"), "#!/bin/sh\n[ \"$1\" = __complete ] && shift && echo \"called $*\"\n");
            File.SetUnixFileMode(Path.Combine(dir, "ringctl"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.WriteAllText(Path.Combine(dir, "completion.bash"), script.Out);
            var test = $"PATH={dir}:$PATH; source {dir}/completion.bash; COMP_WORDS=(ringctl promote or); COMP_CWORD=2; _ringctl; printf '%s\\n' \"${{COMPREPLY[@]}}\"";
            var psi = new ProcessStartInfo("bash", ["-c", test]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var p = Process.Start(psi)!;
            var output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            output.Trim().ShouldBe("called 2 promote or");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CompletionCollection
{
    public const string Name = "process working directory";
}
