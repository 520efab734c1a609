using RingInfra.Core.Config;
using RingInfra.Core.Rendering;

namespace RingInfra.Core.Tests;

public sealed class MemoryTuningTests
{
    [Theory]
    [InlineData(0, "384Mi")]
    [InlineData(10, "896Mi")]
    [InlineData(23, "1536Mi")]
    [InlineData(33, "2Gi")]
    [InlineData(60, "3328Mi")]
    public void Floor_FollowsTheModuleCount(int modules, string floor)
    {
        Quantity.FormatMemory(MemoryTuning.FloorBytes(modules)).ShouldBe(floor);
    }

    [Fact]
    public void TwentyThreeModules_GiveAtLeast1536Mi_AndSteadyStateInsideDoc000sRange()
    {
        MemoryTuning.FloorBytes(23).ShouldBeGreaterThanOrEqualTo(Quantity.Mi(1536));
        MemoryTuning.SteadyStateBytes(23).ShouldBeInRange(Quantity.Mi(900), Quantity.Gi(1));
    }

    [Fact]
    public void MoreModules_NeverGiveLess()
    {
        for (var n = 0; n < 500; n++)
        {
            MemoryTuning.FloorBytes(n + 1).ShouldBeGreaterThanOrEqualTo(MemoryTuning.FloorBytes(n), $"{n} -> {n + 1}");
        }
    }

    [Theory]
    [InlineData(23, 512, null, "1536Mi")]
    [InlineData(23, 2048, null, "2Gi")]
    [InlineData(23, 512, 3072L, "3Gi")]
    public void Limit_IsOverrideElseLargerOfTierAndFloor(int modules, long tierMi, long? overrideMi, string expected)
    {
        Quantity.FormatMemory(MemoryTuning.LimitBytes(modules, Quantity.Mi(tierMi), overrideMi is null ? null : Quantity.Mi(overrideMi.Value))).ShouldBe(expected);
    }
}
