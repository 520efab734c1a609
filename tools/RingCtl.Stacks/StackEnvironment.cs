using System.Security.Cryptography;

namespace RingCtl.Stacks;

/// <summary>
/// Where stacks live and how their secrets are encrypted: the user's configuration when there is one
/// (<c>PULUMI_BACKEND_URL</c>, <c>PULUMI_CONFIG_PASSPHRASE[_FILE]</c>), otherwise a local file backend under
/// <c>.pulumi-state/</c> and a generated passphrase kept in <c>.ringctl/passphrase</c> (mode 600, never printed).
/// </summary>
public static class StackEnvironment
{
    public static IReadOnlyDictionary<string, string?> For(string repositoryRoot, Func<string, string?> env)
    {
        var vars = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(env("PULUMI_BACKEND_URL")))
        {
            var state = Path.Combine(repositoryRoot, ".pulumi-state");
            Directory.CreateDirectory(state);
            vars["PULUMI_BACKEND_URL"] = "file://" + state;
        }

        if (string.IsNullOrEmpty(env("PULUMI_CONFIG_PASSPHRASE")) && string.IsNullOrEmpty(env("PULUMI_CONFIG_PASSPHRASE_FILE")))
        {
            vars["PULUMI_CONFIG_PASSPHRASE_FILE"] = EnsurePassphrase(Path.Combine(repositoryRoot, ".ringctl", "passphrase"));
        }

        return vars;
    }

    private static string EnsurePassphrase(string path)
    {
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            using var writer = new StreamWriter(file);
            writer.Write(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        }

        return path;
    }
}
