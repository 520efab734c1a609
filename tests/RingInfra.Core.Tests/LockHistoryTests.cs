using RingInfra.Core.Locks;

namespace RingInfra.Core.Tests;

/// <summary>The bake clock of a seeded registry: when each module's current version entered the ring's lock.</summary>
public sealed class LockHistoryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    private static ModuleLock Lock(params (string Alias, string Version)[] modules) =>
        new("edge", modules.Select(m => new LockedModule(m.Alias, SemanticVersion.Parse(m.Version), ModuleArtifacts.NameFor(m.Alias, SemanticVersion.Parse(m.Version)), new string('a', 64))));

    [Fact]
    public void EachVersion_CountsFromTheCommitThatPutItThere()
    {
        var history = new (DateTimeOffset, ModuleLock?)[]
        {
            (T0, Lock(("orders", "1.5.0"), ("ai", "2.3.0"))),
            (T0.AddDays(3), Lock(("orders", "1.6.0"), ("ai", "2.3.0"))),
            (T0.AddDays(5), Lock(("orders", "1.6.0"), ("ai", "2.3.0"), ("billing", "1.0.0"))),
        };

        var landed = LockHistory.Landings(history, Lock(("orders", "1.6.0"), ("ai", "2.3.0"), ("billing", "1.0.0")));

        landed["ai"].ShouldBe(T0);
        landed["orders"].ShouldBe(T0.AddDays(3));
        landed["billing"].ShouldBe(T0.AddDays(5));
    }

    [Fact]
    public void AVersionThatLeftAndCameBack_CountsFromItsReturn_AndAnUncommittedOneHasNoTime()
    {
        var history = new (DateTimeOffset, ModuleLock?)[]
        {
            (T0, Lock(("orders", "1.6.0"), ("ai", "2.3.0"))),
            (T0.AddDays(1), Lock(("orders", "1.7.0"), ("ai", "2.3.0"))),
            (T0.AddDays(2), null), // a commit where the lock did not parse
            (T0.AddDays(4), Lock(("orders", "1.6.0"), ("ai", "2.3.0"))),
        };

        var landed = LockHistory.Landings(history, Lock(("orders", "1.6.0"), ("ai", "2.4.0")));

        landed["orders"].ShouldBe(T0.AddDays(4));
        landed.ContainsKey("ai").ShouldBeFalse("2.4.0 is in no commit: it starts baking at the seeding");
    }

    [Fact]
    public void NoHistory_GivesNoTimes() =>
        LockHistory.Landings([], Lock(("orders", "1.6.0"))).ShouldBeEmpty();
}
