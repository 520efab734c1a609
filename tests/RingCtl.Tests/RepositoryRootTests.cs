using RingCtl.Cli;
using RingInfra.Core.Tests.Support;

namespace RingCtl.Tests;

/// <summary>Which repository ringctl works on: --root, RINGCTL_ROOT, the one you stand in, and only then the wrapper's checkout.</summary>
public sealed class RepositoryRootTests : IDisposable
{
    private readonly TempRepo _here = new();
    private readonly TempRepo _checkout = new();
    private readonly string _outside = Directory.CreateTempSubdirectory("ringctl-outside-").FullName;

    public void Dispose()
    {
        _here.Dispose();
        _checkout.Dispose();
        Directory.Delete(_outside, recursive: true);
    }

    [Fact]
    public void TheRepositoryYouStandIn_WinsOverTheWrappersCheckout_FromAnyFolderInIt()
    {
        RepositoryRoot.Find(null, _here.Root, null, _checkout.Root).ShouldBe(_here.Root);
        RepositoryRoot.Find(null, _here.PathOf("stacks/locks"), null, _checkout.Root).ShouldBe(_here.Root);
    }

    [Fact]
    public void TheSharedStacksProjectFolder_IsNoRepositoryRoot()
    {
        // stacks/shared/Pulumi.yaml names ring-infra-shared: "name: ring-infra" is a prefix of it, not it.
        _here.Read("stacks/shared/Pulumi.yaml").ShouldContain("name: ring-infra-shared");

        RepositoryRoot.Find(null, _here.PathOf("stacks/shared"), null, null).ShouldBe(_here.Root);
    }

    [Fact]
    public void OutsideAnyRepository_TheWrappersCheckoutIsUsed_AndWithoutOneItIsAUsageError()
    {
        RepositoryRoot.Find(null, _outside, null, _checkout.Root).ShouldBe(_checkout.Root);

        var e = Should.Throw<CommandException>(() => RepositoryRoot.Find(null, _outside, null, null));
        e.ExitCode.ShouldBe(ExitCodes.Usage);
        e.Message.ShouldBe($"no ring-infra Pulumi.yaml in '{_outside}' or above: run ringctl inside the repository or pass --root");
    }

    [Fact]
    public void RootAndRingctlRoot_AreObeyedWhereverYouStand()
    {
        RepositoryRoot.Find(_checkout.Root, _here.Root, null, null).ShouldBe(_checkout.Root);
        RepositoryRoot.Find(null, _here.Root, _checkout.Root, null).ShouldBe(_checkout.Root);
        RepositoryRoot.Find(_here.Root, _outside, _checkout.Root, _checkout.Root).ShouldBe(_here.Root);
    }
}
