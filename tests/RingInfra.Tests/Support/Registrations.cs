using System.Collections.Concurrent;
using Pulumi;

namespace RingInfra.Tests.Support;

/// <summary>
/// What the program asked the SDK for, seen by a stack transformation (it runs in the SDK's Resource
/// constructor, before anything reaches the engine): each resource's type, name, args and options as
/// the program passed them. The mock monitor shows only a custom resource's resolved provider; this is
/// how a test sees a remote component's <c>Providers</c> and a Secret's secret inputs.
/// </summary>
public sealed class Registrations
{
    public sealed record Registration(string Type, string Name, ResourceArgs Args, ResourceOptions Options);

    private readonly ConcurrentQueue<Registration> _seen = new();

    public IReadOnlyList<Registration> All => [.. _seen];

    public IReadOnlyList<Registration> OfType(string type) => [.. _seen.Where(r => r.Type == type)];

    public StackOptions StackOptions() => new() { ResourceTransformations = { Record } };

    private ResourceTransformationResult? Record(ResourceTransformationArgs args)
    {
        _seen.Enqueue(new Registration(args.Resource.GetResourceType(), args.Resource.GetResourceName(), args.Args, args.Options));
        return null;
    }
}
