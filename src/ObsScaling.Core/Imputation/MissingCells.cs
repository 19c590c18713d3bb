namespace ObsScaling.Core.Imputation;

/// <summary>
/// Positions of the missing cells of a row-major n × p matrix, grouped by row (CSR layout), so that an
/// iteration touches only the rows and cells it has to rewrite.
/// </summary>
internal sealed class MissingCells
{
    private MissingCells(int[] rows, int[] starts, int[] columns)
    {
        Rows = rows;
        Starts = starts;
        Columns = columns;
    }

    /// <summary>Rows that have at least one missing cell, ascending.</summary>
    public int[] Rows { get; }

    /// <summary>Cells of <c>Rows[r]</c> are <c>Columns[Starts[r] .. Starts[r + 1])</c>.</summary>
    public int[] Starts { get; }

    public int[] Columns { get; }

    public int Count => Columns.Length;

    public static MissingCells FromNaN(ReadOnlySpan<double> z, int n, int p)
    {
        var rows = new List<int>();
        var starts = new List<int> { 0 };
        var columns = new List<int>();
        for (var i = 0; i < n; i++)
        {
            var before = columns.Count;
            for (var j = 0; j < p; j++)
            {
                if (double.IsNaN(z[(i * p) + j]))
                {
                    columns.Add(j);
                }
            }

            if (columns.Count > before)
            {
                rows.Add(i);
                starts.Add(columns.Count);
            }
        }

        return new MissingCells([.. rows], [.. starts], [.. columns]);
    }
}
