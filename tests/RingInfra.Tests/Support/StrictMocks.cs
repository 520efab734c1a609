using System.Collections.Concurrent;
using System.Collections.Immutable;
using Moq;
using Pulumi;
using Pulumi.Testing;

namespace RingInfra.Tests.Support;

/// <summary>
/// A strict Moq <see cref="IMocks"/>: resources of the known types echo their inputs (plus the fields a
/// provider computes), the shared stack's StackReference answers with <see cref="SharedStackFake"/>, and
/// anything else — an unknown resource type, an invoke — fails the test.
/// </summary>
public sealed class StrictMocks
{
    private static readonly HashSet<string> EchoTypes =
    [
        "pulumi:providers:kubernetes", "kubernetes:core/v1:Namespace", "kubernetes:core/v1:Secret", "kubernetes:yaml/v2:ConfigGroup", "kubernetes:batch/v1:Job",
        "ringinfra:ring:Secrets", "ringinfra:ring:Manifests", "ringinfra:shared:AppSecrets", "ringinfra:shared:TenantDatabases",
        "pulumi:providers:postgresql", "postgresql:index/role:Role", "postgresql:index/database:Database",
    ];

    private readonly Mock<IMocks> _mock = new(MockBehavior.Strict);

    public StrictMocks(SharedStackFake shared)
    {
        _mock.Setup(m => m.NewResourceAsync(It.IsAny<MockResourceArgs>()))
            .Returns<MockResourceArgs>(args =>
            {
                Registered.Enqueue(args);
                return Task.FromResult(Respond(args, shared));
            });
        _mock.Setup(m => m.RegisterResourceOutputs(It.IsAny<MockRegisterResourceOutputsRequest>())).Returns(Task.CompletedTask);
    }

    public IMocks Object => _mock.Object;

    /// <summary>Every resource the program registered or read, in order.</summary>
    public ConcurrentQueue<MockResourceArgs> Registered { get; } = new();

    public IReadOnlyList<MockResourceArgs> OfType(string type) => [.. Registered.Where(r => r.Type == type)];

    private static (string? id, object state) Respond(MockResourceArgs args, SharedStackFake shared)
    {
        switch (args.Type)
        {
            case "pulumi:pulumi:StackReference":
                return (args.Id, shared.StackReferenceState((string)args.Inputs["name"]));
            case "random:index/randomPassword:RandomPassword":
                return (args.Name + "-id", args.Inputs.Add("result", $"generated-{args.Name}"));
            case "random:index/randomBytes:RandomBytes":
                return (args.Name + "-id", args.Inputs.Add("base64", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(args.Name!))));
            case { } t when EchoTypes.Contains(t):
                return (args.Name + "-id", args.Inputs);
            default:
                throw new InvalidOperationException($"unexpected resource type '{args.Type}' (name '{args.Name}'): add it to the mocks deliberately");
        }
    }
}
