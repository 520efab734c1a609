using RingInfra.Core.Config;

namespace RingCtl.Cli;

/// <summary>
/// Finds the repository: <c>--root</c>, else <c>RINGCTL_ROOT</c>, else the nearest folder upwards holding the ring-infra
/// <c>Pulumi.yaml</c>, else the checkout the <c>./ringctl</c> wrapper runs from (<c>RINGCTL_CHECKOUT</c>). The repository
/// you stand in wins over the wrapper's: a <c>ringctl</c> of one checkout run inside another changes that other one, never
/// silently its own.
/// </summary>
public static class RepositoryRoot
{
    public static string Find(string? explicitRoot, string workingDirectory) =>
        Find(explicitRoot, workingDirectory, Environment.GetEnvironmentVariable("RINGCTL_ROOT"), Environment.GetEnvironmentVariable("RINGCTL_CHECKOUT"));

    /// <summary>As <see cref="Find(string?, string)"/>, with the two environment variables given.</summary>
    public static string Find(string? explicitRoot, string workingDirectory, string? environmentRoot, string? checkout)
    {
        var given = explicitRoot ?? environmentRoot;
        if (!string.IsNullOrEmpty(given))
        {
            var full = Path.GetFullPath(given, workingDirectory);
            return File.Exists(Path.Combine(full, "Pulumi.yaml"))
                ? full
                : throw new CommandException(ExitCodes.Usage, $"--root: '{given}' has no Pulumi.yaml (expected the ring-infra repository root)");
        }

        for (var dir = new DirectoryInfo(workingDirectory); dir is not null; dir = dir.Parent)
        {
            if (IsRepository(dir.FullName))
            {
                return dir.FullName;
            }
        }

        if (!string.IsNullOrEmpty(checkout) && IsRepository(checkout))
        {
            return Path.GetFullPath(checkout);
        }

        throw new CommandException(ExitCodes.Usage, $"no ring-infra Pulumi.yaml in '{workingDirectory}' or above: run ringctl inside the repository or pass --root");
    }

    /// <summary>A folder whose <c>Pulumi.yaml</c> names the project ring-infra (the shared stack's project, ring-infra-shared, is not one).</summary>
    private static bool IsRepository(string dir)
    {
        var project = Path.Combine(dir, "Pulumi.yaml");
        return File.Exists(project) && File.ReadLines(project).Any(l => l.Trim() == $"name: {ConfigKeys.Project}");
    }
}
