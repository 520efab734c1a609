using RingInfra.Core.Diff;
using RingInfra.Core.Fleet;
using RingInfra.Core.Tenants;
using RingInfra.Core.Tests.Support;

namespace RingInfra.Core.Tests;

/// <summary>Tenant waves in Core: the tenant list checked whole, the split into waves, the rings a wave updates, and its change set.</summary>
public sealed class TenantWavesTests
{
    private static IReadOnlyList<TenantMoveSpec> Moves(int count, string from, string to) =>
        [.. Enumerable.Range(1, count).Select(i => new TenantMoveSpec($"t{i:000}", from, to))];

    [Fact]
    public void ATenantList_NamesEveryBadAndRepeatedEntry_WithWhereItIs()
    {
        var (tenants, problems) = TenantWaves.ParseList(TenantWaves.OptionEntries("acme, Bad_Name,foo,acme,,-x"));

        tenants.ShouldBe(["acme", "foo"]);
        problems.ShouldBe([
            "--tenants (item 2): 'Bad_Name' must be a tenant name: a DNS label of lower-case letters, digits and '-' (digits first allowed, no '-' at either end, at most 63 characters)",
            "--tenants (item 4): acme is listed twice (first at --tenants (item 1))",
            "--tenants (item 5): '' must be a tenant name: a DNS label of lower-case letters, digits and '-' (digits first allowed, no '-' at either end, at most 63 characters)",
            "--tenants (item 6): '-x' must be a tenant name: a DNS label of lower-case letters, digits and '-' (digits first allowed, no '-' at either end, at most 63 characters)",
        ]);
    }

    [Fact]
    public void ATenantFile_SkipsBlankLinesAndComments_AndCountsLinesFromOne()
    {
        var entries = TenantWaves.FileEntries("beta.txt", "# opted into beta\nacme\n\n  007  # digits first are fine\r\nfoo\nacme\n").ToList();

        entries.ShouldBe([("beta.txt:2", "acme"), ("beta.txt:4", "007"), ("beta.txt:5", "foo"), ("beta.txt:6", "acme")]);
        TenantWaves.ParseList(entries).Problems.ShouldBe(["beta.txt:6: acme is listed twice (first at beta.txt:2)"]);
    }

    [Theory]
    [InlineData(500, 100, new[] { 100, 100, 100, 100, 100 })]
    [InlineData(7, 3, new[] { 3, 3, 1 })]
    [InlineData(5, null, new[] { 5 })]
    [InlineData(2, 10, new[] { 2 })]
    public void Waves_KeepTheOrderGiven_AndHoldAtMostTheWaveSize(int count, int? size, int[] expected)
    {
        var moves = Moves(count, "stable", "edge");
        var waves = TenantWaves.Split(moves, size);

        waves.Select(w => w.Count).ShouldBe(expected);
        waves.SelectMany(w => w).ShouldBe(moves);
    }

    [Fact]
    public void NoMoves_AreNoWaves_AndAWaveSizeBelowOneIsRefused()
    {
        TenantWaves.Split([], 10).ShouldBeEmpty();
        Should.Throw<ArgumentOutOfRangeException>(() => TenantWaves.Split(Moves(3, "a", "b"), 0));
    }

    [Fact]
    public void AWave_UpdatesTheRingsThatReceiveFirst_ThenTheRingsTheTenantsLeave_EachOnce()
    {
        var (targets, sources) = TenantWaves.Rings([new("a", "stable", "edge"), new("b", "canary", "edge"), new("c", "stable", "edge")]);

        targets.ShouldBe(["edge"]);
        sources.ShouldBe(["canary", "stable"]);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(300)]
    public void AWave_FromTheDefaultRing_ChangesOnlyTheTargetsIngress_WhateverItsSize(int tenants)
    {
        var fleet = Repo.LoadFleet();
        var names = Enumerable.Range(1, tenants).Select(i => $"w{i:000}").ToList();
        fleet = fleet with { Rings = [.. fleet.Rings.Select(r => r.Name == "stable" ? r with { Config = r.Config with { Tenants = [.. r.Config.Tenants, .. names] } } : r)] };
        var wave = names.Select(n => new TenantMoveSpec(n, "stable", "edge")).ToList();

        var changes = FleetChanges.Compare(fleet, FleetChanges.MoveTenants(fleet, wave));

        changes.Select(c => c.Id).ShouldBe(["Ingress autocom-edge/ring"]);
    }

    [Fact]
    public void AWave_BetweenTwoNonDefaultRings_ChangesEachIngressOnce()
    {
        var fleet = Repo.LoadFleet();
        var wave = new List<TenantMoveSpec> { new("widgets", "edge", "canary"), new("bar", "edge", "canary") };

        var changes = FleetChanges.Compare(fleet, FleetChanges.MoveTenants(fleet, wave));

        changes.Select(c => c.Id).ShouldBe(["Ingress autocom-canary/ring", "Ingress autocom-edge/ring"]);
    }

    [Fact]
    public void AWave_IsTheSameFleet_AsItsTenantsMovedOneByOne()
    {
        var fleet = Repo.LoadFleet();
        var wave = new List<TenantMoveSpec> { new("widgets", "edge", "canary"), new("acme", "stable", "canary"), new("foo", "stable", "edge") };

        var oneByOne = wave.Aggregate(fleet, (f, m) => FleetChanges.MoveTenant(f, m.Tenant, m.From, m.To));
        var atOnce = FleetChanges.MoveTenants(fleet, wave);

        atOnce.Rings.Select(r => (r.Name, string.Join(",", r.Config.Tenants))).ShouldBe(oneByOne.Rings.Select(r => (r.Name, string.Join(",", r.Config.Tenants))));
        FleetChanges.Compare(oneByOne, atOnce).ShouldBeEmpty();
    }

    [Fact]
    public void AResumedRun_KeepsTheWavesAfterTheLastCompleted_UnderTheirNumbers()
    {
        var waves = TenantWaves.Split(Moves(5, "stable", "edge"), 1);

        var (rest, first) = TenantWaves.Remaining(waves, 1, [1, 2]);
        (rest.Count, first, rest[0][0].Tenant).ShouldBe((3, 3, "t003"));
        var all = TenantWaves.Remaining(waves, 1, []);
        (all.Waves.SelectMany(w => w).Count(), all.FirstWave).ShouldBe((5, 1));
        TenantWaves.Remaining(rest, 3, [3]).FirstWave.ShouldBe(4);
        TenantWaves.Remaining(waves, 1, [1, 2, 3, 4, 5]).Waves.ShouldBeEmpty();
        TenantWaves.UpdateOrder([new("a", "stable", "edge"), new("b", "canary", "edge")]).ShouldBe(["edge", "canary", "stable"]);
    }
}
