using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using RingInfra.Core.Kube;

namespace RingInfra.Core.Locks;

/// <summary>
/// A ring's release: the module versions it runs (<c>stacks/locks/&lt;ring&gt;.lock.json</c>). Pods read
/// it at boot through <c>MODULE_LOCK_PATH</c>. Modules are kept sorted by alias, so the canonical
/// JSON, and therefore the hash that rolls the pods, depends only on content.
/// </summary>
public sealed class ModuleLock
{
    public ModuleLock(string ring, IEnumerable<LockedModule> modules)
    {
        Ring = ring;
        Modules = [.. modules.OrderBy(m => m.Alias, StringComparer.Ordinal)];
        CanonicalJson = BuildJson();
        Hash = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalJson)));
    }

    public string Ring { get; }

    public IReadOnlyList<LockedModule> Modules { get; }

    /// <summary>The file's exact text: indented JSON, sorted modules, trailing newline.</summary>
    public string CanonicalJson { get; }

    /// <summary><c>sha256:&lt;hex&gt;</c> of <see cref="CanonicalJson"/>; a pod-template annotation carries it.</summary>
    public string Hash { get; }

    public LockedModule? Find(string alias) => Modules.FirstOrDefault(m => m.Alias == alias);

    /// <summary>A copy with one module set (added or replaced), for promotions and rollbacks.</summary>
    public ModuleLock With(LockedModule module) =>
        new(Ring, Modules.Where(m => m.Alias != module.Alias).Append(module));

    /// <summary>The same modules under another ring's name (a new ring starts from a source ring's lock).</summary>
    public ModuleLock ForRing(string ring) => new(ring, Modules);

    private string BuildJson()
    {
        var modules = new JsonObject();
        foreach (var m in Modules)
        {
            modules[m.Alias] = new JsonObject
            {
                ["version"] = m.Version.ToString(),
                ["artifact"] = m.Artifact,
                ["sha256"] = m.Sha256,
            };
        }

        var root = new JsonObject { ["ring"] = Ring, ["modules"] = modules };
        return root.ToJsonString(JsonOptions.Indented) + "\n";
    }
}
