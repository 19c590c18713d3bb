using System.Globalization;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Laws;

namespace ObsScaling.Core.Uncertainty;

/// <summary>
/// Prediction intervals for a fitted law: where a new model's observed score should fall, not just where the
/// curve is. Bootstrap replicates refit the law on resampled training rows (or whole families) and carry a
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
        ArgumentNullException.ThrowIfNull(xQuery);
        var model = Fit(xTrain, yTrain, families, law, lawOptions, options, cancellationToken);
        var result = new PredictionInterval[xQuery.GetLength(0)];
        var row = new double[xQuery.GetLength(1)];
        for (var i = 0; i < result.Length; i++)
        {
            for (var j = 0; j < row.Length; j++)
            {
                row[j] = xQuery[i, j];
            }

            result[i] = model.Interval(row);
        }

        return result;
    }

    /// <summary>
    /// What is needed to put an interval on any later forecast: the law with its covariance (parametric), or
    /// the ensemble of refitted laws, each with one residual drawn from its own fit (bootstrap methods).
    /// </summary>
    public static IntervalModel Fit(
        double[,] xTrain,
        double[] yTrain,
        IReadOnlyList<string?> families,
        FittedLaw law,
        ScalingLawOptions lawOptions,
        IntervalOptions options,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(xTrain);
        ArgumentNullException.ThrowIfNull(yTrain);
        ArgumentNullException.ThrowIfNull(families);
        ArgumentNullException.ThrowIfNull(law);
        ArgumentNullException.ThrowIfNull(lawOptions);
        ArgumentNullException.ThrowIfNull(options);
        Validate(options, yTrain.Length, families.Count);
        return options.Method == IntervalMethod.Parametric
            ? IntervalModel.Parametric(law, yTrain.Length, options.Level)
            : IntervalModel.FromEnsemble(options.Method, options.Level, law, yTrain.Length, Bootstrap(xTrain, yTrain, families, lawOptions, options, cancellationToken));
    }

    private static EnsembleMember[] Bootstrap(double[,] xTrain, double[] yTrain, IReadOnlyList<string?> families, ScalingLawOptions lawOptions, IntervalOptions options, CancellationToken cancellationToken)
    {
        var n = yTrain.Length;
        var d = xTrain.GetLength(1);

        // Units of resampling: single rows, or the rows of one family.
        var units = options.Method == IntervalMethod.FamilyBootstrap
            ? Enumerable.Range(0, n).GroupBy(i => families[i] ?? "\u0000row" + i.ToString(CultureInfo.InvariantCulture), StringComparer.Ordinal).Select(gr => gr.ToArray()).ToArray()
            : Enumerable.Range(0, n).Select(i => new[] { i }).ToArray();
        var members = new EnsembleMember[options.Resamples];
        var fast = lawOptions with { ExtraStarts = Math.Min(lawOptions.ExtraStarts, 2) };
        try
        {
            // One core is left to the caller's other work: when a bootstrap held every thread-pool thread on a 2-core
            // server, the server's own deadline timer fired ~100 ms late, and so did the cancellation of the bootstrap.
            Parallel.For(0, options.Resamples, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount - 1) }, b => members[b] = Replicate(b));
        }
        catch (AggregateException ex) when (ex.InnerExceptions.FirstOrDefault(e => e is ObsValidationException or OperationCanceledException) is { } inner)
        {
            // Surface the engine's own error, not the parallel loop's wrapper.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(inner).Throw();
        }

        return members;

        EnsembleMember Replicate(int b)
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
                return new EnsembleMember(refit.Intercept, refit.Weights.ToArray(), refit.Floor, inflate * refit.Residuals[rng.Next(refit.Residuals.Count)]);
            }

            throw new ObsPreconditionException("models", n.ToString(CultureInfo.InvariantCulture), "too few distinct models or families to bootstrap the law");
        }
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
