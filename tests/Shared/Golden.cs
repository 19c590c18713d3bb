using System.Text.Json;

namespace ObsScaling.Testing;

/// <summary>
/// Reference values computed independently by tests/golden/make_golden.py (numpy, scipy, sklearn)
/// and committed beside it as golden.json.
/// </summary>
internal static class Golden
{
    private static readonly Lazy<JsonElement> Root = new(() =>
    {
        var path = Path.Combine(AppContext.BaseDirectory, "golden", "golden.json");
        using var doc = JsonDocument.Parse(System.IO.File.ReadAllText(path));
        return doc.RootElement.Clone();
    });

    public static JsonElement Section(string name) => Root.Value.GetProperty(name);

    /// <summary>Another JSON file of tests/golden (written by its own script beside it).</summary>
    public static JsonElement File(string fileName)
    {
        using var doc = JsonDocument.Parse(System.IO.File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "golden", fileName)));
        return doc.RootElement.Clone();
    }

    public static JsonElement Case(string section, string name) =>
        Section(section).EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);

    public static TheoryData<string> Names(string section)
    {
        var data = new TheoryData<string>();
        foreach (var e in Section(section).EnumerateArray())
        {
            data.Add(e.GetProperty("name").GetString()!);
        }

        return data;
    }

    public static double Number(this JsonElement e) => e.ValueKind == JsonValueKind.Null ? double.NaN : e.GetDouble();

    public static double Number(this JsonElement e, string property) => e.GetProperty(property).Number();

    public static double[] Vector(this JsonElement e, string property) =>
        e.GetProperty(property).EnumerateArray().Select(Number).ToArray();

    public static string[] Strings(this JsonElement e, string property) =>
        e.GetProperty(property).EnumerateArray().Select(x => x.GetString()!).ToArray();

    public static double[,] Matrix(this JsonElement e, string property)
    {
        var rows = e.GetProperty(property).EnumerateArray().Select(r => r.EnumerateArray().Select(Number).ToArray()).ToArray();
        var cols = rows.Length == 0 ? 0 : rows[0].Length;
        var m = new double[rows.Length, cols];
        for (var i = 0; i < rows.Length; i++)
        {
            for (var j = 0; j < cols; j++)
            {
                m[i, j] = rows[i][j];
            }
        }

        return m;
    }

    public static void Close(double expected, double actual, double absolute, string what)
    {
        Assert.True(Math.Abs(expected - actual) <= absolute, $"{what}: expected {expected:R}, got {actual:R} (|diff| {Math.Abs(expected - actual):E2} > {absolute:E0})");
    }

    public static void RelativeClose(double expected, double actual, double relative, string what)
    {
        var scale = Math.Max(Math.Abs(expected), 1e-300);
        Assert.True(Math.Abs(expected - actual) / scale <= relative, $"{what}: expected {expected:R}, got {actual:R} (relative diff {Math.Abs(expected - actual) / scale:E2} > {relative:E0})");
    }

    public static void Close(double[,] expected, double[,] actual, double absolute, string what)
    {
        Assert.Equal(expected.GetLength(0), actual.GetLength(0));
        Assert.Equal(expected.GetLength(1), actual.GetLength(1));
        for (var i = 0; i < expected.GetLength(0); i++)
        {
            for (var j = 0; j < expected.GetLength(1); j++)
            {
                Close(expected[i, j], actual[i, j], absolute, $"{what}[{i},{j}]");
            }
        }
    }

    public static void Close(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double absolute, string what)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Close(expected[i], actual[i], absolute, $"{what}[{i}]");
        }
    }
}
