namespace ObsScaling.Core.Import.Results;

/// <summary>A CSV row or JSON record with its cells by column name (first column of that name wins).</summary>
internal sealed class TableRow(SourceLocation at, Dictionary<string, TableCell> cells)
{
    public SourceLocation At { get; } = at;

    public TableCell? this[string column] => cells.GetValueOrDefault(column);
}
