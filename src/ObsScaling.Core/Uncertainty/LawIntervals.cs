using System.Globalization;
using MathNet.Numerics.Distributions;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Laws;

namespace ObsScaling.Core.Uncertainty;

/// <summary>
/// Prediction intervals for a fitted law: where a new model's observed score should fall, not just where the
/// curve is. Bootstrap replicates refit the law on resampled training rows (or whole families) and add a
/// residual drawn from that replicate's own fit, so the interval covers both the curve's uncertainty and the
/// scatter of models around it. The capability space is held fixed (intervals are conditional on the PCs).
/// </summary>
public static class LawIntervals
{
    /// <summary>
    /// Intervals for each row of <paramref name="xQuery"/>. <paramref name="families"/> labels the training rows
    /// (null entries are their own family). Replicates whose refit fails (too few distinct rows) are redrawn.
    /// </summary>
    public static IReadOnlyList<PredictionInterval> Compute(
        double[,] xTrain,
        double[] yTrain,
        IReadOnlyList<string?> families,
        FittedLaw law,
        ScalingLawOptions lawOptions,
        double[,] xQuery,
        IntervalOptions options,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(xTrain);
        ArgumentNullException.ThrowIfNull(yTrain);
        ArgumentNullException.ThrowIfNull(families);
        ArgumentNullException.ThrowIfNull(law);
        ArgumentNullException.ThrowIfNull(xQuery);
        ArgumentNullException.ThrowIfNull(options);
        Validate(options, yTrain.Length, families.Count);
        return options.Method == IntervalMethod.Parametric
            ? Parametric(law, yTrain.Length, xQuery, options.Level)
            : Bootstrap(xTrain, yTrain, families, lawOptions, xQuery, options, cancellationToken);
    }

    private static PredictionInterval[] Parametric(FittedLaw law, int n, double[,] xQuery, double level)
    {
        var m = law.Covariance.GetLength(0);
        var dof = Math.Max(1, n - m);
        var s2 = law.Residuals.Sum(r => r * r) / dof;
        var t = StudentT.InvCDF(0, 1, dof, 0.5 + (level / 2));
        var d = law.Weights.Count;
        var result = new PredictionInterval[xQuery.GetLength(0)];
        var x = new double[d];
        var g = new double[m];
        for (var i = 0; i < result.Length; i++)
        {
            for (var j = 0; j < d; j++)
            {
                x[j] = xQuery[i, j];
            }

            var z = law.Capability(x);
            var y = law.ApplyLink(z);
            Gradient(law, x, z, g);
            var variance = s2;
            for (var a = 0; a < m; a++)
            {
                for (var b = 0; b < m; b++)
                {
                    var c = law.Covariance[a, b];
                    variance += double.IsFinite(c) ? g[a] * c * g[b] : 0;
                }
            }

            var half = t * Math.Sqrt(Math.Max(variance, 0));
            result[i] = new PredictionInterval(y - half, y + half);
        }

        return result;
    }

    /// <summary>∂ŷ/∂[c, w…, (b)] at <paramref name="x"/>.</summary>
    private static void Gradient(FittedLaw law, double[] x, double z, double[] g)
    {
        var d = law.Weights.Count;
        double dz;
        switch (law.Link)
        {
            case LawLink.Linear:
                dz = 1;
                break;
            case LawLink.Sigmoid:
                {
                    var s = FittedLaw.Sigmoid(z);
                    dz = s * (1 - s);
                    break;
                }

            default:
                {
                    var s = FittedLaw.Sigmoid(z);
                    dz = (1 - law.Floor) * s * (1 - s);
                    g[d + 1] = 1 - s;
                    break;
                }
        }

        g[0] = dz;
        for (var j = 0; j < d; j++)
        {
            g[j + 1] = dz * x[j];
        }
    }

    private static PredictionInterval[] Bootstrap(double[,] xTrain, double[] yTrain, IReadOnlyList<string?> families, ScalingLawOptions lawOptions, double[,] xQuery, IntervalOptions options, CancellationToken cancellationToken)
    {
        var n = yTrain.Length;
        var d = xTrain.GetLength(1);
        var q = xQuery.GetLength(0);

        // Units of resampling: single rows, or the rows of one family.
        var units = options.Method == IntervalMethod.FamilyBootstrap
            ? Enumerable.Range(0, n).GroupBy(i => families[i] ?? "\u0000row" + i.ToString(CultureInfo.InvariantCulture), StringComparer.Ordinal).Select(gr => gr.ToArray()).ToArray()
            : Enumerable.Range(0, n).Select(i => new[] { i }).ToArray();
        var draws = new double[options.Resamples, q];
        var fast = lawOptions with { ExtraStarts = Math.Min(lawOptions.ExtraStarts, 2) };
        try
        {
            RunReplicates();
        }
        catch (AggregateException ex) when (ex.InnerExceptions.FirstOrDefault(e => e is ObsValidationException or OperationCanceledException) is { } inner)
        {
            // Surface the engine's own error, not the parallel loop's wrapper.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(inner).Throw();
        }

        void RunReplicates() => Parallel.For(0, options.Resamples, new ParallelOptions { CancellationToken = cancellationToken }, b =>
        {
            // One generator per replicate, seeded by (seed, replicate): results do not depend on scheduling.
            var rng = new Random(unchecked((options.Seed * 1_000_003) + b));
            for (var attempt = 0; attempt < 20; attempt++)
            {
                var rows = new List<int>(n + 8);
                while (rows.Count < n)
                {
                    rows.AddRange(units[rng.Next(units.Length)]);
                }

                if (rows.Distinct().Count() < d + 2)
                {
                    continue;
                }

                var x = new double[rows.Count, d];
                var y = new double[rows.Count];
                for (var r = 0; r < rows.Count; r++)
                {
                    y[r] = yTrain[rows[r]];
                    for (var j = 0; j < d; j++)
                    {
                        x[r, j] = xTrain[rows[r], j];
                    }
                }

                FittedLaw refit;
                try
                {
                    refit = ScalingLawFitter.Fit(x, y, fast, cancellationToken);
                }
                catch (ObsValidationException)
                {
                    continue;
                }

                // Residuals shrink in-sample by about √((n − p)/n); inflate them back so the added scatter is honest.
                var inflate = Math.Sqrt((double)y.Length / Math.Max(1, y.Length - (d + 2)));
                var row = new double[d];
                for (var i = 0; i < q; i++)
                {
                    for (var j = 0; j < d; j++)
                    {
                        row[j] = xQuery[i, j];
                    }

                    draws[b, i] = refit.Predict(row) - (inflate * refit.Residuals[rng.Next(refit.Residuals.Count)]);
                }

                return;
            }

            throw new ObsPreconditionException("models", n.ToString(CultureInfo.InvariantCulture), "too few distinct models or families to bootstrap the law");
        });

        var lowerP = (1 - options.Level) / 2;
        var result = new PredictionInterval[q];
        var column = new double[options.Resamples];
        for (var i = 0; i < q; i++)
        {
            for (var b = 0; b < options.Resamples; b++)
            {
                column[b] = draws[b, i];
            }

            Array.Sort(column);
            result[i] = new PredictionInterval(Quantile(column, lowerP), Quantile(column, 1 - lowerP));
        }

        return result;
    }

    /// <summary>Linear interpolation between order statistics (numpy's default).</summary>
    private static double Quantile(double[] sorted, double p)
    {
        var h = (sorted.Length - 1) * p;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + ((h - lo) * (sorted[hi] - sorted[lo]));
    }

    private static void Validate(IntervalOptions o, int n, int familyCount)
    {
        var v = new ViolationCollector();
        if (!(o.Level > 0 && o.Level < 1))
        {
            v.Add("intervals.level", o.Level, "must lie strictly between 0 and 1");
        }

        if (o.Method != IntervalMethod.Parametric && (o.Resamples < 20 || o.Resamples > 100_000))
        {
            v.Add("intervals.resamples", o.Resamples.ToString(CultureInfo.InvariantCulture), "must be between 20 and 100000");
        }

        if (familyCount != n)
        {
            v.Add("families", familyCount.ToString(CultureInfo.InvariantCulture), $"one family label per training row ({n})");
        }

        v.ThrowIfAny();
    }
}
