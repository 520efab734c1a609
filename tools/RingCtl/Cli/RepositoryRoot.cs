using RingInfra.Core.Config;

namespace RingCtl.Cli;

/// <summary>Finds the repository: <c>--root</c>, else <c>RINGCTL_ROOT</c>, else the nearest folder upwards holding the ring-infra Pulumi.yaml.</summary>
public static class RepositoryRoot
{
    public static string Find(string? explicitRoot, string workingDirectory)
    {
        var given = explicitRoot ?? Environment.GetEnvironmentVariable("RINGCTL_ROOT");
        if (!string.IsNullOrEmpty(given))
        {
            var full = Path.GetFullPath(given, workingDirectory);
            return File.Exists(Path.Combine(full, "Pulumi.yaml"))
                ? full
                : throw new CommandException(ExitCodes.Usage, $"--root: '{given}' has no Pulumi.yaml (expected the ring-infra repository root)");
        }

        for (var dir = new DirectoryInfo(workingDirectory); dir is not null; dir = dir.Parent)
        {
            var project = Path.Combine(dir.FullName, "Pulumi.yaml");
            if (File.Exists(project) && File.ReadAllText(project).Contains($"name: {ConfigKeys.Project}", StringComparison.Ordinal))
            {
                return dir.FullName;
            }
        }

        throw new CommandException(ExitCodes.Usage, $"no ring-infra Pulumi.yaml in '{workingDirectory}' or above: run ringctl inside the repository or pass --root");
    }
}
