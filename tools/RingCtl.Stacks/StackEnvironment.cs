using System.Security.Cryptography;

namespace RingCtl.Stacks;

/// <summary>
/// Where stacks live and how their secrets are encrypted: the user's configuration when there is one
/// (<c>PULUMI_BACKEND_URL</c>, <c>PULUMI_CONFIG_PASSPHRASE[_FILE]</c>), otherwise a local file backend under
/// <c>.pulumi-state/</c> and a generated passphrase kept in <c>.ringctl/passphrase</c> (created 0600, never printed).
/// </summary>
public static class StackEnvironment
{
    public const string BackendVariable = "PULUMI_BACKEND_URL";

    /// <summary>Set by <see cref="For"/> only when ringctl generated the passphrase (the embedded default).</summary>
    public const string PassphraseFileVariable = "PULUMI_CONFIG_PASSPHRASE_FILE";

    public static IReadOnlyDictionary<string, string?> For(string repositoryRoot, Func<string, string?> env)
    {
        var vars = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(env(BackendVariable)))
        {
            var state = Path.Combine(repositoryRoot, ".pulumi-state");
            PrivateFiles.Folder(state);
            vars[BackendVariable] = "file://" + state;
        }

        if (string.IsNullOrEmpty(env("PULUMI_CONFIG_PASSPHRASE")) && string.IsNullOrEmpty(env(PassphraseFileVariable)))
        {
            vars[PassphraseFileVariable] = EnsurePassphrase(Path.Combine(repositoryRoot, ".ringctl", "passphrase"));
        }

        return vars;
    }

    private static string EnsurePassphrase(string path)
    {
        if (!File.Exists(path))
        {
            PrivateFiles.Folder(Path.GetDirectoryName(path)!);
            PrivateFiles.CreateNew(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        }

        return path;
    }
}
