using RingInfra.Core.Config;
using RingInfra.Core.Kube;
using RingInfra.Core.Rendering;
using RingInfra.Core.Shared;

namespace RingInfra.Core.Policies;

/// <summary>
/// Secrets stay in Secrets, and renders carry no secret values: no ConfigMap key or container env
/// literal that names a secret, no known secret value anywhere in a ConfigMap or env literal, and
/// rendered Secret objects with keys only. Offending values are never echoed.
/// </summary>
public static class SecretHygiene
{
    private const string Rule = "secret-hygiene";
    private const string Hidden = "(value hidden)";

    public static IReadOnlyList<Violation> Check(RenderedRing ring, SharedFacts shared, IReadOnlyCollection<string> knownSecretValues)
    {
        var found = new List<Violation>();
        var secretKeys = shared.AppSecretKeys.ToHashSet(StringComparer.Ordinal);
        foreach (var o in ring.Objects)
        {
            switch (o.Kind)
            {
                case "ConfigMap":
                    foreach (var (k, v) in Node.Obj(o.Body, "data") ?? [])
                    {
                        if (Names.LooksSecret(k) || secretKeys.Contains(k))
                        {
                            found.Add(new Violation(o.Id, $"data.{k}", Hidden, Rule, "must not be in a ConfigMap: the name says it is a secret"));
                        }
                        else if (ContainsAny(Node.Show(v), knownSecretValues))
                        {
                            found.Add(new Violation(o.Id, $"data.{k}", Hidden, Rule, "must not contain a secret value"));
                        }
                    }

                    break;
                case "Secret":
                    foreach (var field in new[] { "data", "stringData" })
                    {
                        foreach (var (k, v) in Node.Obj(o.Body, field) ?? [])
                        {
                            if (Node.Show(v).Length > 0 && !IsEmptyDockerConfig(field, k, Node.Show(v)))
                            {
                                found.Add(new Violation(o.Id, $"{field}.{k}", Hidden, Rule, "must be empty in a render (an image-pull config: {\"auths\":{}}): values come from the shared stack at deploy time"));
                            }
                        }
                    }

                    break;
                default:
                    CheckEnvLiterals(o, knownSecretValues, found);
                    break;
            }
        }

        return found;
    }

    private static void CheckEnvLiterals(KubeObject o, IReadOnlyCollection<string> knownSecretValues, List<Violation> found)
    {
        if (PodTemplate.Of(o.Body) is not { } pod)
        {
            return;
        }

        foreach (var (c, path, _) in pod.Containers())
        {
            var env = Node.Arr(c, "env");
            for (var i = 0; i < env.Count; i++)
            {
                var name = Node.Str(env[i], "name") ?? "";
                if (Node.Str(env[i], "value") is not { } literal)
                {
                    continue;
                }

                if (Names.LooksSecret(name) && literal.Length > 0)
                {
                    found.Add(new Violation(o.Id, $"{path}.env[{i}].value", Hidden, Rule, $"must come from a secretKeyRef: {name} names a secret"));
                }
                else if (ContainsAny(literal, knownSecretValues))
                {
                    found.Add(new Violation(o.Id, $"{path}.env[{i}].value", Hidden, Rule, "must not contain a secret value"));
                }
            }
        }
    }

    /// <summary>True when <paramref name="text"/> contains any of the (non-trivial) secret values.</summary>
    public static bool ContainsAny(string text, IReadOnlyCollection<string> secrets) =>
        secrets.Any(s => s.Length >= 4 && text.Contains(s, StringComparison.Ordinal));

    /// <summary>The one value a render may carry: the empty docker config the API server needs to accept the Secret.</summary>
    private static bool IsEmptyDockerConfig(string field, string key, string value) =>
        key == Rendering.RingSecrets.DockerConfigKey
        && value == (field == "data" ? Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Rendering.RingSecrets.EmptyDockerConfig)) : Rendering.RingSecrets.EmptyDockerConfig);
}
