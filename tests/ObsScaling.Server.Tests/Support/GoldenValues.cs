using System.Text.Json;

namespace ObsScaling.Server.Tests.Support;

/// <summary>Reference values from tests/golden/make_golden.py (numpy/scipy/sklearn), shared with the core tests.</summary>
internal static class GoldenValues
{
    private static readonly Lazy<JsonElement> Root = new(() =>
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "golden", "golden.json")));
        return doc.RootElement.Clone();
    });

    public static JsonElement Holdout(string name) =>
        Root.Value.GetProperty("holdouts").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);

    public static JsonElement Pca(string name) =>
        Root.Value.GetProperty("pca").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);

    public static double[] Vector(this JsonElement e, string property) =>
        e.GetProperty(property).EnumerateArray().Select(v => v.GetDouble()).ToArray();

    public static string[] Strings(this JsonElement e, string property) =>
        e.GetProperty(property).EnumerateArray().Select(v => v.GetString()!).ToArray();

    public static void RelativeClose(double expected, double actual, double relative, string what) =>
        Assert.True(Math.Abs(expected - actual) <= relative * Math.Abs(expected), $"{what}: expected {expected:R}, got {actual:R}");
}
