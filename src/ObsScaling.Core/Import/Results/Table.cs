using System.Globalization;
using System.Text.Json;
using CsvHelper;
using CsvHelper.Configuration;

namespace ObsScaling.Core.Import.Results;

/// <summary>
/// A file of records, read from CSV (CsvHelper) or from JSON (an array of objects, as pandas' <c>orient="records"</c>
/// writes, or JSON Lines), with every cell's location.
/// </summary>
internal sealed class Table
{
    private Table(string source, IReadOnlyList<string> columns, SourceLocation headerAt)
    {
        Source = source;
        Columns = columns;
        HeaderAt = headerAt;
    }

    public string Source { get; }

    public IReadOnlyList<string> Columns { get; }

    public SourceLocation HeaderAt { get; }

    public List<TableRow> Rows { get; } = [];

    /// <summary>The first of <paramref name="names"/> that is a column (case-insensitive), with its exact spelling.</summary>
    public string? Find(params string[] names)
    {
        foreach (var n in names)
        {
            var hit = Columns.FirstOrDefault(c => string.Equals(c, n, StringComparison.OrdinalIgnoreCase));
            if (hit is not null)
            {
                return hit;
            }
        }

        return null;
    }

    public string ColumnList() => string.Join(", ", Columns.Where(c => c.Length > 0).Take(40).Select(c => $"'{c}'"));

    public static Table Read(ImportSource source, ImportProblems problems)
    {
        ArgumentNullException.ThrowIfNull(source);
        var first = source.Text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        return first.StartsWith('[') || first.StartsWith('{') ? ReadJson(source, problems) : ReadCsv(source, problems);
    }

    public static Table ReadCsv(ImportSource source, ImportProblems problems)
    {
        ArgumentNullException.ThrowIfNull(source);
        var config = new CsvConfiguration(CultureInfo.InvariantCulture) { TrimOptions = TrimOptions.Trim, BadDataFound = null };
        using var csv = new CsvReader(new StringReader(source.Text.TrimStart('\uFEFF')), config);
        try
        {
            if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is not { Length: > 0 } header)
            {
                throw problems.Fatal(new SourceLocation(source.Name, 1, 1), "", "the file is empty: expected a header row");
            }

            var table = new Table(source.Name, header, new SourceLocation(source.Name, StartLine(csv), 1));
            while (csv.Read())
            {
                var line = StartLine(csv);
                if (csv.Parser.Count != header.Length)
                {
                    problems.Add(new SourceLocation(source.Name, line, Math.Min(csv.Parser.Count, header.Length) + 1), csv.Parser.RawRecord.Trim(),
                        $"expected {header.Length} fields (as in the header), found {csv.Parser.Count}");
                    continue;
                }

                var cells = new Dictionary<string, TableCell>(StringComparer.Ordinal);
                for (var i = 0; i < header.Length; i++)
                {
                    cells.TryAdd(header[i], new TableCell(csv.GetField(i) ?? "", null, new SourceLocation(source.Name, line, i + 1)));
                }

                table.Rows.Add(new TableRow(new SourceLocation(source.Name, line, 1), cells));
            }

            return table;
        }
        catch (CsvHelperException ex)
        {
            var ctx = ex.Context?.Parser;
            throw problems.Fatal(new SourceLocation(source.Name, ctx?.RawRow ?? 0, 1), ctx?.RawRecord?.Trim() ?? "", "malformed CSV: " + ex.GetType().Name);
        }
    }

    private static Table ReadJson(ImportSource source, ImportProblems problems)
    {
        var json = JsonText.Parse(source, problems);
        var records = json.Values.Count == 1 && json.Values[0].Kind == JsonValueKind.Array ? json.Values[0].Items! : json.Values;
        var columns = new List<string>();
        var rows = new List<TableRow>();
        foreach (var record in records)
        {
            var at = json.Locate(record);
            if (record.Kind != JsonValueKind.Object)
            {
                problems.Add(at, record.Raw, $"expected a record (an object), found {record.KindName}");
                continue;
            }

            var cells = new Dictionary<string, TableCell>(StringComparer.Ordinal);
            foreach (var (key, value) in record.Properties!)
            {
                if (!columns.Contains(key))
                {
                    columns.Add(key);
                }

                var cellAt = json.Locate(value);
                var cell = value.Kind switch
                {
                    JsonValueKind.Number => new TableCell(value.Raw, value.Number, cellAt),
                    JsonValueKind.String => new TableCell(value.Raw, null, cellAt),
                    JsonValueKind.Null => new TableCell("", null, cellAt),
                    JsonValueKind.True or JsonValueKind.False => new TableCell(value.Raw, null, cellAt),
                    _ => new TableCell(value.Raw, double.NaN, cellAt),
                };
                cells.TryAdd(key, cell);
            }

            rows.Add(new TableRow(at, cells));
        }

        var table = new Table(source.Name, columns, rows.Count > 0 ? rows[0].At : json.Locate(json.Values[0]));
        table.Rows.AddRange(rows);
        return table;
    }

    /// <summary>The line a record starts on (a quoted field may span lines; RawRow is the last of them).</summary>
    private static int StartLine(CsvReader csv)
    {
        var raw = csv.Parser.RawRecord.TrimEnd('\r', '\n');
        return csv.Parser.RawRow - raw.Count(c => c == '\n');
    }
}
