using System.Globalization;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Laws;

namespace ObsScaling.Core.Synthetic;

/// <summary>The truth behind one generated family: latent capability S = Offset + Slope·(log10 FLOPs − 2).</summary>
public sealed record SyntheticFamily(string Name, IReadOnlyList<double> Offset, IReadOnlyList<double> Slope, double TokensT);

/// <summary>
/// A seeded synthetic zoo whose true law is known, for checking that an analysis recovers it and for
/// asking how many models an analysis needs. The same options always give the same zoo.
/// </summary>
public sealed class SyntheticZoo
{
    private static readonly double[] SizeGrid = [0.1, 0.3, 0.5, 1, 1.5, 3, 7, 13, 20, 34, 70, 100];

    private SyntheticZoo(ModelSet models, IReadOnlyList<SyntheticFamily> families, IReadOnlyDictionary<string, double[]> latent, FittedLaw trueLaw, SyntheticZooOptions options)
    {
        Models = models;
        Families = families;
        Latent = latent;
        TrueLaw = trueLaw;
        Options = options;
    }

    public ModelSet Models { get; }

    public IReadOnlyList<SyntheticFamily> Families { get; }

    /// <summary>True latent capability of each model.</summary>
    public IReadOnlyDictionary<string, double[]> Latent { get; }

    /// <summary>The downstream law in latent coordinates.</summary>
    public FittedLaw TrueLaw { get; }

    public SyntheticZooOptions Options { get; }

    /// <summary>Benchmark metric names (bench-1..bench-p).</summary>
    public IReadOnlyList<string> BenchmarkNames => Enumerable.Range(1, Options.Benchmarks).Select(j => "bench-" + j.ToString(CultureInfo.InvariantCulture)).ToArray();

    /// <summary>The noise-free downstream value of a model.</summary>
    public double TrueDownstream(string model) => TrueLaw.Predict(Latent[model]);

    public static SyntheticZoo Generate(SyntheticZooOptions? options = null)
    {
        var o = options ?? new SyntheticZooOptions();
        Validate(o);
        var rng = new Random(o.Seed);
        var k = o.LatentDimensions;

        // Later latent dimensions matter less, so PC-1 dominates as in the real data.
        var baseSlope = Enumerable.Range(0, k).Select(d => 1.0 / (1 + (2.0 * d))).ToArray();
        var families = new List<SyntheticFamily>();
        for (var f = 0; f < o.Families; f++)
        {
            var offset = Enumerable.Range(0, k).Select(d => o.EfficiencySpread * Normal(rng) * baseSlope[d]).ToArray();
            var slope = baseSlope.Select(s => s * (1 + (0.15 * Normal(rng)))).ToArray();
            var tokens = Math.Round(Math.Pow(10, -0.5 + rng.NextDouble()), 2);
            families.Add(new SyntheticFamily("family-" + (f + 1).ToString("00", CultureInfo.InvariantCulture), offset, slope, tokens));
        }

        var metrics = new List<MetricInfo>();
        var loadings = new double[o.Benchmarks][];
        var bases = new double[o.Benchmarks];
        var chance = new double[o.Benchmarks];
        for (var j = 0; j < o.Benchmarks; j++)
        {
            chance[j] = new[] { 0, 0.25, 0.5 }[j % 3];
            loadings[j] = Enumerable.Range(0, k).Select(d => d == 0 ? 0.6 + (0.8 * rng.NextDouble()) : 0.8 * Normal(rng)).ToArray();
            bases[j] = o.Response == BenchmarkResponse.Linear ? 0.5 : -0.5 + rng.NextDouble();
            metrics.Add(new MetricInfo("bench-" + (j + 1).ToString(CultureInfo.InvariantCulture), 0, 1, chance[j]));
        }

        metrics.Add(new MetricInfo(o.DownstreamName, 0, 1, 0));
        var trueLaw = new FittedLaw
        {
            Link = LawLink.SigmoidWithFloor,
            Loss = LossKind.Squared,
            Intercept = o.DownstreamIntercept,
            Weights = o.DownstreamWeights.ToArray(),
            Floor = o.DownstreamFloor,
            Converged = true,
            Iterations = 0,
            Message = "true law",
            Residuals = [],
            TrainMse = 0,
            Covariance = new double[o.DownstreamWeights.Count + 2, o.DownstreamWeights.Count + 2],
        };

        var models = new List<ModelRecord>();
        var latent = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var fam in families)
        {
            var start = rng.Next(0, SizeGrid.Length - o.ModelsPerFamily + 1);
            for (var m = 0; m < o.ModelsPerFamily; m++)
            {
                var size = SizeGrid[start + m];
                var flops = 6 * size * fam.TokensT;
                var s = new double[k];
                for (var d = 0; d < k; d++)
                {
                    s[d] = fam.Offset[d] + (fam.Slope[d] * (Math.Log10(flops) - 2));
                }

                var name = $"{fam.Name}-{size.ToString(CultureInfo.InvariantCulture)}b";
                var scores = new Dictionary<string, double>(StringComparer.Ordinal);
                for (var j = 0; j < o.Benchmarks; j++)
                {
                    var z = bases[j];
                    for (var d = 0; d < k; d++)
                    {
                        z += loadings[j][d] * s[d];
                    }

                    var clean = o.Response == BenchmarkResponse.Linear ? 0.5 + (0.12 * (z - 0.5)) : chance[j] + ((1 - chance[j]) * FittedLaw.Sigmoid(z));
                    scores[metrics[j].Name] = Math.Clamp(clean + (o.BenchmarkNoise * Normal(rng)), 0, 1);
                }

                scores[o.DownstreamName] = Math.Clamp(trueLaw.Predict(s) + (o.DownstreamNoise * Normal(rng)), 0, 1);
                latent[name] = s;
                models.Add(new ModelRecord(name, fam.Name, size, fam.TokensT, null, scores));
            }
        }

        if (o.MissingFraction > 0)
        {
            models = RemoveCells(models, metrics.Take(o.Benchmarks).Select(m => m.Name).ToArray(), o.MissingFraction, rng);
        }

        return new SyntheticZoo(new ModelSet(models, metrics), families, latent, trueLaw, o);
    }

    private static List<ModelRecord> RemoveCells(List<ModelRecord> models, string[] benchmarks, double fraction, Random rng)
    {
        var result = new List<ModelRecord>(models.Count);
        foreach (var m in models)
        {
            var scores = m.Scores.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
            // Keep at least two benchmarks per model so that no row is entirely unobserved.
            var removable = benchmarks.Where(_ => rng.NextDouble() < fraction).Take(benchmarks.Length - 2);
            foreach (var b in removable)
            {
                scores.Remove(b);
            }

            result.Add(new ModelRecord(m.Name, m.Family, m.ParametersB, m.TokensT, m.FlopsE21, scores));
        }

        return result;
    }

    private static void Validate(SyntheticZooOptions o)
    {
        var v = new ViolationCollector();
        if (o.Families < 1 || o.Families > 1000)
        {
            v.Add("families", o.Families.ToString(CultureInfo.InvariantCulture), "must be between 1 and 1000");
        }

        if (o.ModelsPerFamily < 1 || o.ModelsPerFamily > SizeGrid.Length)
        {
            v.Add("models_per_family", o.ModelsPerFamily.ToString(CultureInfo.InvariantCulture), $"must be between 1 and {SizeGrid.Length}");
        }

        if (o.Benchmarks < 2)
        {
            v.Add("benchmarks", o.Benchmarks.ToString(CultureInfo.InvariantCulture), "needs at least 2 benchmarks");
        }

        if (o.LatentDimensions < 1 || o.LatentDimensions > o.Benchmarks)
        {
            v.Add("latent_dimensions", o.LatentDimensions.ToString(CultureInfo.InvariantCulture), "must be between 1 and the number of benchmarks");
        }

        if (o.DownstreamWeights.Count != o.LatentDimensions)
        {
            v.Add("downstream_weights", string.Join(",", o.DownstreamWeights), $"needs one weight per latent dimension ({o.LatentDimensions})");
        }

        if (!(o.MissingFraction >= 0 && o.MissingFraction < 1))
        {
            v.Add("missing_fraction", o.MissingFraction, "must be in [0, 1)");
        }

        if (!(o.DownstreamFloor >= 0 && o.DownstreamFloor < 1))
        {
            v.Add("downstream_floor", o.DownstreamFloor, "must be in [0, 1)");
        }

        foreach (var (name, value) in new[] { ("benchmark_noise", o.BenchmarkNoise), ("downstream_noise", o.DownstreamNoise), ("efficiency_spread", o.EfficiencySpread) })
        {
            if (!(value >= 0) || !double.IsFinite(value))
            {
                v.Add(name, value, "must be a non-negative finite number");
            }
        }

        v.ThrowIfAny();
    }

    private static double Normal(Random rng)
    {
        // Box–Muller: System.Random has no Gaussian sampler.
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
