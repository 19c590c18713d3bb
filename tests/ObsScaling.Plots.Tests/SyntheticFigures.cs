using ObsScaling.Plots;

namespace ObsScaling.Plots.Tests;

/// <summary>Figure inputs with a known shape: a sigmoid in log compute over five families, two of them held out.</summary>
internal static class SyntheticFigures
{
    public static readonly string[] Families = ["Alpha", "Bravo", "Charlie", "Delta", "Echo"];

    public static ScalingCurveData Curve(bool withBand = true)
    {
        var points = new List<CurvePoint>();
        for (var f = 0; f < Families.Length; f++)
        {
            for (var k = 0; k < 4; k++)
            {
                var x = -1 + (0.9 * f) + (0.35 * k);
                points.Add(new CurvePoint($"{Families[f]}-{k}", Families[f], x, Law(x) + (0.02 * Math.Sin((7 * f) + k)), InTrain: x < 1.5));
            }
        }

        var curve = Enumerable.Range(0, 60).Select(i => -1.2 + (i * 0.1)).Select(x => new CurveSample(x, Law(x), withBand ? Law(x) - 0.06 : null, withBand ? Law(x) + 0.06 : null)).ToArray();
        return new ScalingCurveData(points, curve, "Alpha-equivalent FLOPs", "accuracy", LogFlopsAxis: true, "Synthetic law", "y = σ(2x − 2)", 0.9);
    }

    public static DecompositionData Decomposition() => new(
        "synthetic",
        ["MMLU", "ARC-C", "HellaSwag", "GSM8K"],
        [0.80, 0.12, 0.05, 0.03],
        new double[,]
        {
            { 0.6, 0.5, 0.4, 0.5 },
            { -0.3, 0.1, 0.7, -0.6 },
            { 0.2, -0.8, 0.3, 0.1 },
        });

    public static FamilyEfficiencyData Efficiency() => new(
        "synthetic",
        1,
        Families.Select((f, i) => new FamilyLine(
            f,
            Enumerable.Range(0, 4).Select(k => new FamilyPoint($"{f}-{k}", -1 + (0.5 * k) + (0.2 * i), (0.8 + (0.1 * i)) * (-1 + (0.5 * k) + (0.2 * i)) - 0.5 + (0.3 * i))).ToArray(),
            0.8 + (0.1 * i),
            -0.5 + (0.3 * i),
            0.95)).ToArray());

    public static BenchmarkItemsData BenchmarkItems()
    {
        (string Name, double D, double A)[] items = [("easy", -1, 1.5), ("anchor", 0, 1), ("hard", 1.5, 2.5)];
        var grid = Enumerable.Range(0, 41).Select(i => -3 + (0.15 * i)).ToArray();
        return new BenchmarkItemsData(
            "synthetic",
            items.Select(b => new BenchmarkCurve(b.Name, b.D, b.A, b.Name == "anchor", grid.Select(c => new ItemCurvePoint(c, 1 / (1 + Math.Exp(-b.A * (c - b.D))))).ToArray())).ToArray(),
            items.SelectMany(b => new[] { -2.0, -0.5, 0.7, 2.1 }.Select(c => new BenchmarkScore(b.Name, c, 1 / (1 + Math.Exp(-b.A * (c - b.D)))))).ToArray());
    }

    public static BacktestComparisonData Backtest() => new(
        "Backtest: accuracy",
        [new BacktestBar("PC-1..3", 0.0021, 0.0034), new BacktestBar("ln FLOPs", 0.0040, 0.0230), new BacktestBar("ln params", 0.0052, 0.0311)]);

    private static double Law(double x) => 1 / (1 + Math.Exp(-((2 * x) - 2)));
}
