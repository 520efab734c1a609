using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pulumi;
using RingInfra.Core.Kube;
using RingInfra.Core.Rendering;
using RingInfra.Core.Tests.Support;

namespace RingInfra.Tests;

/// <summary>
/// Every rendered object against the Kubernetes API's own schema: each field name exists where it is used, and
/// holds an object, a list, a string, a number or a boolean as the API says. The schema is the one the
/// Pulumi.Kubernetes 4.32.0 SDK was generated from (pulumi-kubernetes turns the Kubernetes OpenAPI definitions
/// into these typed Args classes; read here through their <c>[Input("…")]</c> attributes). That release's API is
/// newer than 1.32, so a field added after 1.32 would pass this check: no copy of the 1.32 definitions themselves
/// could be had from the package registries here (README "Kubernetes API schema").
/// </summary>
public sealed class KubernetesSchemaTests
{
    private static readonly Assembly Sdk = typeof(Pulumi.Kubernetes.Provider).Assembly;

    public static TheoryData<string> Rings() => ["stable", "edge", "canary"];

    [Theory]
    [MemberData(nameof(Rings))]
    public void EveryRenderedObject_UsesOnlyFieldsOfTheApi(string ring)
    {
        var problems = Repo.Render(ring).Objects.SelectMany(o => Check(o)).ToList();
        problems.ShouldBeEmpty();
    }

    [Fact]
    public void TheSharedStacksObjects_UseOnlyFieldsOfTheApi()
    {
        var facts = Repo.LoadFleet().Shared;
        var objects = SharedRenderer.IngressPolicies(facts).Append(SharedRenderer.Namespace(facts, "v1.32")).Concat(SharedServiceObjects.Render(facts, "rev-1"));
        objects.Count(o => o.Kind == "PersistentVolumeClaim").ShouldBe(3);
        objects.SelectMany(o => Check(o)).ToList().ShouldBeEmpty();
    }

    [Fact]
    public void AMisspelledOrMistypedField_IsFound()
    {
        var api = Repo.Render("canary").Find("Deployment", "api")!.Body.DeepClone().AsObject();
        var container = api["spec"]!["template"]!["spec"]!["containers"]![0]!.AsObject();
        container["readinessprobe"] = container["readinessProbe"]!.DeepClone();
        api["spec"]!["replicas"] = "two";

        Check(new KubeObject(api)).ShouldBe(
        [
            "Deployment autocom-canary/api: spec.replicas must be a number (got \"two\")",
            "Deployment autocom-canary/api: spec.template.spec.containers[0].readinessprobe is not a field of ContainerArgs",
        ], ignoreOrder: true);
    }

    private static IEnumerable<string> Check(KubeObject o)
    {
        var group = o.ApiVersion.Contains('/', StringComparison.Ordinal) ? o.ApiVersion[..o.ApiVersion.IndexOf('/', StringComparison.Ordinal)] : "core";
        var version = o.ApiVersion[(o.ApiVersion.LastIndexOf('/') + 1)..];
        var ns = $"Pulumi.Kubernetes.Types.Inputs.{Pascal(group.Split('.')[0])}.{Pascal(version)}";
        var args = Sdk.GetType($"{ns}.{o.Kind}Args") ?? throw new ShouldAssertException($"{o.Id}: no {ns}.{o.Kind}Args in Pulumi.Kubernetes");
        var problems = new List<string>();
        Walk(o.Body, args, "", o.Id, problems);
        return problems;
    }

    private static void Walk(JsonNode? node, Type type, string path, string id, List<string> problems)
    {
        var target = Unwrap(type);
        if (node is null)
        {
            return;
        }

        if (target == typeof(string))
        {
            Expect(node, JsonValueKind.String, "a string", path, id, problems);
        }
        else if (target == typeof(int) || target == typeof(double))
        {
            Expect(node, JsonValueKind.Number, "a number", path, id, problems);
        }
        else if (target == typeof(bool))
        {
            Expect(node, JsonValueKind.True, "a boolean", path, id, problems);
        }
        else if (IsList(type, out var item))
        {
            if (node is not JsonArray list)
            {
                problems.Add($"{id}: {path} must be a list (got {node.ToJsonString()})");
                return;
            }

            for (var i = 0; i < list.Count; i++)
            {
                Walk(list[i], item, $"{path}[{i}]", id, problems);
            }
        }
        else if (IsMap(type, out var value))
        {
            foreach (var (k, v) in node.AsObject())
            {
                Walk(v, value, $"{path}.{k}", id, problems);
            }
        }
        else if (target.IsSubclassOf(typeof(ResourceArgs)))
        {
            if (node is not JsonObject obj)
            {
                problems.Add($"{id}: {path} must be an object (got {node.ToJsonString()})");
                return;
            }

            var fields = Fields(target);
            foreach (var (k, v) in obj)
            {
                var child = path.Length == 0 ? k : $"{path}.{k}";
                if (fields.TryGetValue(k, out var fieldType))
                {
                    Walk(v, fieldType, child, id, problems);
                }
                else if (!(path.Length == 0 && k is "apiVersion" or "kind"))
                {
                    problems.Add($"{id}: {child} is not a field of {target.Name}");
                }
            }
        }

        // Unions (IntOrString) and anything else: whatever JSON the API accepts there.
    }

    private static void Expect(JsonNode node, JsonValueKind kind, string what, string path, string id, List<string> problems)
    {
        var actual = node.GetValueKind();
        if (actual != kind && !(kind == JsonValueKind.True && actual == JsonValueKind.False))
        {
            problems.Add($"{id}: {path} must be {what} (got {node.ToJsonString()})");
        }
    }

    /// <summary>
    /// Field name → type. The generated classes put <c>[Input("…")]</c> on the property, or for lists and maps on
    /// its private backing field; the name is the attribute's constructor argument (its Name property is internal).
    /// </summary>
    private static Dictionary<string, Type> Fields(Type args)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance;
        static string? Name(MemberInfo m) => m.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType == typeof(InputAttribute))?.ConstructorArguments[0].Value as string;
        var fields = new Dictionary<string, Type>(StringComparer.Ordinal);
        foreach (var p in args.GetProperties(all).Where(p => Name(p) is not null))
        {
            fields[Name(p)!] = p.PropertyType;
        }

        foreach (var f in args.GetFields(all).Where(f => Name(f) is not null))
        {
            fields[Name(f)!] = f.FieldType;
        }

        return fields;
    }

    private static Type Unwrap(Type t)
    {
        while (t.IsGenericType && (t.GetGenericTypeDefinition() == typeof(Input<>) || t.GetGenericTypeDefinition() == typeof(Nullable<>)))
        {
            t = t.GetGenericArguments()[0];
        }

        return t;
    }

    private static bool IsList(Type t, out Type item)
    {
        t = Unwrap(t);
        var list = t.IsGenericType && (t.GetGenericTypeDefinition() == typeof(InputList<>) || t.GetGenericTypeDefinition() == typeof(System.Collections.Immutable.ImmutableArray<>));
        item = list ? t.GetGenericArguments()[0] : typeof(object);
        return list;
    }

    private static bool IsMap(Type t, out Type value)
    {
        t = Unwrap(t);
        var map = t.IsGenericType && t.GetGenericTypeDefinition() == typeof(InputMap<>);
        value = map ? t.GetGenericArguments()[0] : typeof(object);
        return map;
    }

    private static string Pascal(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
