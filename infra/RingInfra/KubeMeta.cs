using Pulumi;
using RingInfra.Core.Config;
using RingInfra.Core.Kube;
using Meta = Pulumi.Kubernetes.Types.Inputs.Meta.V1;

namespace RingInfra.RingProgram;

/// <summary>Translates a Core object's metadata into Pulumi's ObjectMetaArgs (name, namespace, labels, annotations).</summary>
internal static class KubeMeta
{
    public static Meta.ObjectMetaArgs From(KubeObject o)
    {
        var meta = new Meta.ObjectMetaArgs { Name = o.Name };
        if (o.Namespace is not null)
        {
            meta.Namespace = o.Namespace;
        }

        foreach (var (k, v) in o.Labels)
        {
            meta.Labels.Add(k, v);
        }

        foreach (var (k, v) in Node.Obj(Node.Obj(o.Body, "metadata"), "annotations") ?? [])
        {
            meta.Annotations.Add(k, Node.Show(v));
        }

        return meta;
    }

    /// <summary>The Kubernetes provider for a target: a context to apply to, or a directory to render YAML into.</summary>
    public static Pulumi.Kubernetes.Provider Provider(KubernetesTarget target, string name = "kubernetes", CustomResourceOptions? options = null)
    {
        var args = new Pulumi.Kubernetes.ProviderArgs { EnableServerSideApply = true };
        if (target.Context is { } context)
        {
            args.Context = context;
        }
        else
        {
            args.RenderYamlToDirectory = target.RenderDirectory!;
        }

        return new Pulumi.Kubernetes.Provider(name, args, options);
    }

    /// <summary>A Pulumi run error naming every problem (shown by <c>pulumi up</c> without a stack trace).</summary>
    public static RunException Invalid(string what, IEnumerable<string> problems) =>
        new($"{what}:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", problems)}");
}
