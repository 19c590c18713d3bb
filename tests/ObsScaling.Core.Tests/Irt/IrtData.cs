using System.Globalization;
using System.Text.Json;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Import;
using ObsScaling.Core.Tests.Support;
using ObsScaling.Testing;

namespace ObsScaling.Core.Tests.Irt;

/// <summary>Score matrices for the item-response tests: the paper's base benchmarks, the golden file's synthetic case, seeded draws.</summary>
internal static class IrtData
{
    public static string ModelName(int m) => "m" + m.ToString("000", CultureInfo.InvariantCulture);

    public static string BenchmarkName(int b) => "b" + b.ToString("00", CultureInfo.InvariantCulture);

    public static MetricInfo[] Benchmarks(int count) => Enumerable.Range(0, count).Select(b => new MetricInfo(BenchmarkName(b))).ToArray();

    /// <summary>One record per row; NaN cells are left out of its scores.</summary>
    public static ModelRecord[] Records(double[,] scores)
    {
        var records = new ModelRecord[scores.GetLength(0)];
        for (var m = 0; m < records.Length; m++)
        {
            var row = new Dictionary<string, double>(StringComparer.Ordinal);
            for (var b = 0; b < scores.GetLength(1); b++)
            {
                if (!double.IsNaN(scores[m, b]))
                {
                    row[BenchmarkName(b)] = scores[m, b];
                }
            }

            records[m] = new ModelRecord(ModelName(m), null, null, null, null, row);
        }

        return records;
    }

    /// <summary>The paper's base benchmark file (148 models, 8 benchmarks, 40 cells missing) as the fit reads it.</summary>
    public static (ModelRecord[] Models, MetricInfo[] Benchmarks) PaperBase()
    {
        var set = PaperData.Read(PaperDatasets.BaseBenchmarkFile);
        return ([.. set.Models], PaperMetrics.BaseBenchmarks.Select(b => set.Metrics[b]).ToArray());
    }

    public static JsonElement Golden(string section, string name) =>
        Testing.Golden.File("irt_reference.json").GetProperty(section).EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);

    /// <summary>
    /// A seeded draw from the model itself: C ~ N(0, 1.5²), D ~ U(−2, 2.5), α ~ U(0.6, 2.5), benchmark 0 the anchor
    /// (D = 0, α = 1, observed for every model), each other cell observed with probability 1 − missing, Gaussian noise
    /// of sd <paramref name="noise"/> clipped to [0, 1].
    /// </summary>
    public static SyntheticIrt Draw(int models, int benchmarks, double missing, double noise, int seed)
    {
        var random = new Random(seed);
        var c = new double[models];
        var d = new double[benchmarks];
        var a = new double[benchmarks];
        for (var m = 0; m < models; m++)
        {
            c[m] = 1.5 * Normal(random);
        }

        for (var b = 0; b < benchmarks; b++)
        {
            d[b] = b == 0 ? 0 : -2 + (4.5 * random.NextDouble());
            a[b] = b == 0 ? 1 : 0.6 + (1.9 * random.NextDouble());
        }

        var scores = new double[models, benchmarks];
        for (var m = 0; m < models; m++)
        {
            for (var b = 0; b < benchmarks; b++)
            {
                var observed = b == 0 || random.NextDouble() >= missing;
                var mean = 1 / (1 + Math.Exp(-a[b] * (c[m] - d[b])));
                scores[m, b] = observed ? Math.Clamp(mean + (noise * Normal(random)), 0, 1) : double.NaN;
            }
        }

        return new SyntheticIrt(c, d, a, scores);
    }

    public static double Normal(Random random)
    {
        var u = 1 - random.NextDouble();
        var v = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
    }

    public static double Correlation(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        var mx = x.Average();
        var my = y.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < x.Count; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }

        return sxy / Math.Sqrt(sxx * syy);
    }
}

/// <summary>True parameters and the scores drawn from them (NaN = missing).</summary>
internal sealed record SyntheticIrt(double[] Capability, double[] Difficulty, double[] Slope, double[,] Scores)
{
    public ModelRecord[] Records => IrtData.Records(Scores);

    public MetricInfo[] Benchmarks => IrtData.Benchmarks(Difficulty.Length);
}
