using Spectre.Console;

namespace RingCtl.Cli;

/// <summary>
/// A plain table in the square-bordered layout Spectre.Console draws, for the everyday commands (<c>ring list</c>):
/// Spectre's first table costs a start-up of about 20 ms (its console and character-width tables), a fifth of the
/// command. Cells are single-width text (names, numbers); anything else, or a table wider than the console, is drawn
/// by Spectre itself, so the output is the same either way.
/// </summary>
public sealed class TextTable
{
    private readonly string[] _columns;
    private readonly List<string[]> _rows = [];

    public TextTable(params string[] columns) => _columns = columns;

    public TextTable AddRow(params string[] cells)
    {
        if (cells.Length != _columns.Length)
        {
            throw new ArgumentException($"a row of {cells.Length} cells for {_columns.Length} columns", nameof(cells));
        }

        _rows.Add(cells);
        return this;
    }

    public void Write(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var widths = _columns.Select((c, i) => _rows.Select(r => r[i].Length).Prepend(c.Length).Max()).ToArray();
        var simple = _rows.Prepend(_columns).SelectMany(r => r).All(c => c.All(ch => ch is >= ' ' and <= '~' && ch is not '[' and not ']'));
        if (!simple || widths.Sum() + (3 * widths.Length) + 1 > context.Width)
        {
            var table = new Table().AddColumns(_columns);
            foreach (var row in _rows)
            {
                table.AddRow(row.Select(Markup.Escape).ToArray());
            }

            context.Console.Write(table);
            return;
        }

        var sb = new System.Text.StringBuilder();
        void Border(char left, char middle, char right)
        {
            sb.Append(left);
            sb.AppendJoin(middle, widths.Select(w => new string('─', w + 2)));
            sb.Append(right).Append('\n');
        }

        void Row(string[] cells)
        {
            sb.Append('│');
            for (var i = 0; i < cells.Length; i++)
            {
                sb.Append(' ').Append(cells[i].PadRight(widths[i])).Append(" │");
            }

            sb.Append('\n');
        }

        Border('┌', '┬', '┐');
        Row(_columns);
        if (_rows.Count > 0)
        {
            Border('├', '┼', '┤');
        }

        foreach (var row in _rows)
        {
            Row(row);
        }

        Border('└', '┴', '┘');
        context.Out.Write(sb.ToString());
    }
}
