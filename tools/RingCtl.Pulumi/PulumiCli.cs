using System.Reflection;
using Pulumi.Automation;

namespace RingCtl.Pulumi;

/// <summary>
/// Where ringctl finds the <c>pulumi</c> CLI: on PATH, or where <c>up --install-pulumi</c> put the version
/// the Automation API pins (<c>~/.pulumi/versions/&lt;version&gt;/bin</c>, LocalPulumiCommand.Install's default).
/// </summary>
public static class PulumiCli
{
    /// <summary>
    /// The CLI version this Automation API package was released with (its <c>PulumiSdkVersion</c> attribute,
    /// the version <c>LocalPulumiCommand.Install</c> installs by default).
    /// </summary>
    public static string PinnedVersion { get; } = ReadPinnedVersion();

    public static string InstallRoot(Func<string, string?> env) =>
        Path.Combine(env("HOME") is { Length: > 0 } home ? home : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".pulumi", "versions", PinnedVersion);

    /// <summary>The CLI to use, or null when there is none.</summary>
    public static string? Find(Func<string, string?> env)
    {
        var onPath = (env("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, "pulumi")).FirstOrDefault(File.Exists);
        if (onPath is not null)
        {
            return onPath;
        }

        var installed = Path.Combine(InstallRoot(env), "bin", "pulumi");
        return File.Exists(installed) ? installed : null;
    }

    /// <summary>
    /// Puts the CLI's folder first on this process's PATH. LocalPulumiCommand (3.112.1) starts every command
    /// as plain <c>pulumi</c>, resolved on the calling process's PATH, whatever its Root option says; and
    /// LocalWorkspace.CreateOrSelectStackAsync ignores LocalProgramArgs.PulumiCommand. So PATH is the one
    /// way to pick a CLI that is not on it already.
    /// </summary>
    public static void UseForThisProcess(string cli)
    {
        var dir = Path.GetDirectoryName(cli)!;
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        if (!path.Split(Path.PathSeparator).Contains(dir, StringComparer.Ordinal))
        {
            Environment.SetEnvironmentVariable("PATH", dir + Path.PathSeparator + path);
        }
    }

    private static string ReadPinnedVersion()
    {
        // The attribute type is internal to Pulumi.Automation; its Version property says what Install would fetch.
        var attribute = typeof(LocalWorkspace).Assembly.GetCustomAttributes()
            .FirstOrDefault(a => a.GetType().Name == "PulumiSdkVersionAttribute");
        return attribute?.GetType().GetProperty("Version")?.GetValue(attribute)?.ToString()
            ?? throw new InvalidOperationException("Pulumi.Automation carries no PulumiSdkVersion attribute");
    }
}
