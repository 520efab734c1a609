using RingCtl.Cli;
using Spectre.Console;

namespace RingCtl.Tests;

/// <summary>The everyday commands' plain table draws exactly what Spectre.Console draws for the same cells.</summary>
public sealed class TextTableTests
{
    private static (string Ours, string Spectres) Both(string[] columns, params string[][] rows)
    {
        var ours = new StringWriter();
        var table = new TextTable(columns);
        foreach (var row in rows)
        {
            table.AddRow(row);
        }

        table.Write(new CliContext(ours, TextWriter.Null, "/"));
        var spectres = new StringWriter();
        var reference = new Table().AddColumns(columns);
        foreach (var row in rows)
        {
            reference.AddRow(row.Select(Markup.Escape).ToArray());
        }

        new CliContext(spectres, TextWriter.Null, "/").Console.Write(reference);
        return (ours.ToString(), spectres.ToString());
    }

    [Fact]
    public void ARingList_IsDrawnAsSpectreDrawsIt()
    {
        var (ours, spectres) = Both(["ring", "order", "namespace", "held", "tenants"],
            ["stable", "0", "autocom", "", "2"], ["edge", "10", "autocom-edge", "HELD", "12345"]);
        ours.ShouldBe(spectres);
        ours.ShouldContain("│ edge   │ 10    │ autocom-edge │ HELD │ 12345   │");
    }

    [Fact]
    public void AnEmptyTable_AndCellsSpectreWouldTreatDifferently_AreStillDrawnAsSpectreDrawsThem()
    {
        var (empty, spectresEmpty) = Both(["#", "kind"]);
        empty.ShouldBe(spectresEmpty);
        // Markup brackets and wide characters go through Spectre itself.
        var (odd, spectresOdd) = Both(["name", "note"], ["[bold]", "日本語"], ["x", "y"]);
        odd.ShouldBe(spectresOdd);
        // Wider than the console: Spectre wraps it.
        var (wide, spectresWide) = Both(["a", "b"], [new string('x', 120), new string('y', 120)]);
        wide.ShouldBe(spectresWide);
    }
}
