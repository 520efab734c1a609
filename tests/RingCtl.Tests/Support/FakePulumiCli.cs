namespace RingCtl.Tests.Support;

/// <summary>
/// A stand-in for the <c>pulumi</c> CLI (the real one cannot run here), as a script the Automation API
/// really starts: it logs every command line, answers <c>version</c>, fails <c>stack select</c> for an
/// unknown stack as the CLI does (so the Automation API runs <c>stack init</c>), writes an
/// <c>encryptionsalt</c> into the stack file on init and on <c>up</c> as the passphrase provider does,
/// serves outputs from <c>outputs-&lt;stack&gt;.json</c>, and with <c>FAKE_PULUMI_SLOW_UP</c> holds <c>up</c> open
/// until it is killed. What it mimics is read from pulumi/pulumi and pulumi-dotnet (README "What the engine does").
/// </summary>
public sealed class FakePulumiCli : IDisposable
{
    private const string Script = """
        #!/usr/bin/env bash
        dir="$(cd "$(dirname "$0")/.." && pwd)"
        echo "$*" >> "$dir/calls.log"
        stack=""
        prev=""
        for a in "$@"; do
          if [[ "$prev" == "--stack" ]]; then stack="$a"; fi
          prev="$a"
        done
        salt() { grep -q '^encryptionsalt:' "Pulumi.$stack.yaml" 2>/dev/null || echo "encryptionsalt: v1:ZmFrZQ==:v1:ZmFrZQ==:ZmFrZQ==" >> "Pulumi.$stack.yaml"; }
        case "$1 $2" in
          "version "*) echo "v3.258.0" ;;
          "stack select")
            if [[ ! -f "$dir/stacks/$stack" ]]; then echo "error: no stack named '$stack' found" >&2; exit 255; fi ;;
          "stack init")
            if [[ -z "$stack" ]]; then stack="$3"; fi
            mkdir -p "$dir/stacks"; touch "$dir/stacks/$stack"; salt ;;
          "stack output")
            if [[ -f "$dir/outputs-$stack.json" ]]; then cat "$dir/outputs-$stack.json"; else echo "{}"; fi ;;
          "stack history")
            echo '[{"version":1,"kind":"update","startTime":"2026-11-30T00:00:00Z","endTime":"2026-11-30T00:00:01Z","message":"","environment":{},"config":{},"result":"succeeded","resourceChanges":{"same":1}}]' ;;
          "up "*)
            salt
            if [[ -n "$FAKE_PULUMI_SLOW_UP" ]]; then echo "up-started $stack" >> "$dir/events.log"; sleep 60; fi
            echo "up-finished $stack" >> "$dir/events.log" ;;
          "cancel "*) echo "cancel $stack" >> "$dir/events.log" ;;
        esac
        exit 0
        """;

    public FakePulumiCli(string? root = null)
    {
        Root = root ?? Path.Combine(Path.GetTempPath(), "fake-pulumi-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Path.Combine(Root, "bin"));
        var path = Path.Combine(Root, "bin", "pulumi");
        File.WriteAllText(path, Script.Replace("\r\n", "\n", StringComparison.Ordinal) + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>The install root: the CLI is <c>bin/pulumi</c> under it.</summary>
    public string Root { get; }

    public string BinDirectory => Path.Combine(Root, "bin");

    /// <summary>Every command line the CLI was started with, in order.</summary>
    public IReadOnlyList<string> Calls => Lines("calls.log");

    /// <summary>What <c>up</c> and <c>cancel</c> did (<c>up-started</c>, <c>up-finished</c>, <c>cancel</c>), in order.</summary>
    public IReadOnlyList<string> Events => Lines("events.log");

    /// <summary>What <c>stack output</c> prints for <paramref name="stack"/> (plain outputs only).</summary>
    public void SetOutputs(string stack, string json) => File.WriteAllText(Path.Combine(Root, $"outputs-{stack}.json"), json);

    private IReadOnlyList<string> Lines(string file)
    {
        var path = Path.Combine(Root, file);
        return File.Exists(path) ? File.ReadAllLines(path) : [];
    }

    public void Dispose()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}
