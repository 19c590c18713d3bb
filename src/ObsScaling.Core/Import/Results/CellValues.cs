using System.Globalization;

namespace ObsScaling.Core.Import.Results;

/// <summary>Numbers from table cells: empty means missing, anything else must be a finite number.</summary>
internal static class CellValues
{
    public static double? Number(TableCell? cell, string column, ImportProblems problems)
    {
        if (cell is null || cell.IsEmpty)
        {
            return null;
        }

        var ok = cell.Number is { } n
            ? double.IsFinite(n)
            : double.TryParse(cell.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out n) && double.IsFinite(n);
        if (!ok)
        {
            problems.Add(cell.At, cell.Text, $"column '{column}': not a finite number");
            return null;
        }

        return n;
    }

    /// <summary>A date written YYYY-MM-DD (as Epoch AI and ISO 8601 write it); empty means unknown.</summary>
    public static DateOnly? Date(TableCell? cell, string column, ImportProblems problems)
    {
        if (cell is null || cell.IsEmpty)
        {
            return null;
        }

        if (!DateOnly.TryParseExact(cell.Text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
        {
            problems.Add(cell.At, cell.Text, $"column '{column}': not a date written YYYY-MM-DD");
            return null;
        }

        return d;
    }

    public static string? Text(TableCell? cell) => cell is null || cell.IsEmpty ? null : cell.Text.Trim();

    public static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
