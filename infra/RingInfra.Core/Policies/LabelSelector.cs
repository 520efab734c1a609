using System.Text.Json.Nodes;
using RingInfra.Core.Kube;

namespace RingInfra.Core.Policies;

/// <summary>Kubernetes label-selector matching (matchLabels and matchExpressions: In, NotIn, Exists, DoesNotExist).</summary>
public static class LabelSelector
{
    /// <summary>True when <paramref name="selector"/> selects a pod with <paramref name="labels"/>; an empty selector selects all.</summary>
    public static bool Matches(JsonObject? selector, IReadOnlyDictionary<string, string> labels)
    {
        if (selector is null)
        {
            return false;
        }

        foreach (var (k, v) in Node.Obj(selector, "matchLabels") ?? [])
        {
            if (!labels.TryGetValue(k, out var actual) || actual != Node.Show(v))
            {
                return false;
            }
        }

        foreach (var e in Node.Arr(selector, "matchExpressions"))
        {
            var key = Node.Str(e, "key") ?? "";
            var values = Node.Arr(e, "values").Select(Node.Show).ToHashSet(StringComparer.Ordinal);
            var has = labels.TryGetValue(key, out var actual);
            var ok = Node.Str(e, "operator") switch
            {
                "In" => has && values.Contains(actual!),
                "NotIn" => !has || !values.Contains(actual!),
                "Exists" => has,
                "DoesNotExist" => !has,
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The labels a selector's matchLabels require (used to decide what a peer selects).</summary>
    public static Dictionary<string, string> RequiredLabels(JsonObject? selector) =>
        (Node.Obj(selector, "matchLabels") ?? []).ToDictionary(p => p.Key, p => Node.Show(p.Value), StringComparer.Ordinal);
}
