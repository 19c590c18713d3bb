using System.Globalization;
using ObsScaling.Core.Capability;
using ObsScaling.Core.Domain;

namespace ObsScaling.Core.Imputation;

/// <summary>Iterative low-rank PCA imputation of missing benchmark scores (docs/method.md §3).</summary>
public static class PcaImputer
{
    /// <summary>
    /// Fits on <paramref name="train"/> (n × p, NaN = missing). Columns entirely missing or with fewer
    /// than two observed values are a validation error naming the column (by <paramref name="columnNames"/>); a
    /// matrix too large or a numerically degenerate column is refused by <see cref="DecompositionInput"/>. The
    /// iterations stop at <see cref="PcaImputationOptions.MaxIterations"/> and check the token inside every one.
    /// </summary>
    public static PcaImputation Fit(double[,] train, PcaImputationOptions? options = null, IReadOnlyList<string>? columnNames = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        options ??= new PcaImputationOptions();
        var n = train.GetLength(0);
        var p = train.GetLength(1);

        var v = new ViolationCollector();
        ValidateOptions(v, options, p);
        if (columnNames is not null && columnNames.Count != p)
        {
            v.Add("metrics", columnNames.Count.ToString(CultureInfo.InvariantCulture), $"{p} column names expected, one per column");
            columnNames = null;
        }

        if (n < 2)
        {
            v.Add("train", $"{n} rows", "at least two rows are needed to fit the imputation");
        }

        CheckNoInfinity(v, "train", train, columnNames);

        var mean = new double[p];
        var scale = new double[p];
        for (var j = 0; j < p; j++)
        {
            var count = 0;
            var sum = 0.0;
            for (var i = 0; i < n; i++)
            {
                if (double.IsFinite(train[i, j]))
                {
                    count++;
                    sum += train[i, j];
                }
            }

            if (count < 2)
            {
                v.Add($"metrics[{ColumnName(columnNames, j)}]", $"{count} observed", "a column needs at least two observed values to be imputed");
                continue;
            }

            mean[j] = sum / count;
            var squares = 0.0;
            for (var i = 0; i < n; i++)
            {
                if (double.IsFinite(train[i, j]))
                {
                    var d = train[i, j] - mean[j];
                    squares += d * d;
                }
            }

            // nanstd with ddof=0; a constant column is left unscaled, as in the reference.
            var sd = Math.Sqrt(squares / count);
            scale[j] = sd == 0.0 ? 1.0 : sd;
        }

        v.ThrowIfAny();
        DecompositionInput.Check(train, columnNames);

        var z = new double[n * p];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < p; j++)
            {
                z[(i * p) + j] = (train[i, j] - mean[j]) / scale[j];
            }
        }

        // The reference fills with the nanmean of the standardised column (zero up to rounding).
        var fill = new double[p];
        for (var j = 0; j < p; j++)
        {
            var count = 0;
            for (var i = 0; i < n; i++)
            {
                var value = z[(i * p) + j];
                if (!double.IsNaN(value))
                {
                    fill[j] += value;
                    count++;
                }
            }

            fill[j] /= count;
        }

        var cells = MissingCells.FromNaN(z, n, p);
        Fill(z, p, cells, fill);

        var model = new LowRankModel(p, options.Components, n);
        model.Prepare(z, n, cells);
        var scores = new double[options.Components];
        var iterations = 0;
        var converged = false;
        var lastChange = double.NaN;
        while (iterations < options.MaxIterations)
        {
            cancellationToken.ThrowIfCancellationRequested();
            model.Fit(z, cancellationToken);
            lastChange = model.Step(z, cells, scores);
            iterations++;
            if (lastChange < options.Tolerance || cells.Count == 0)
            {
                converged = true;
                break;
            }
        }

        var imputed = Unscale(train, z, mean, scale, options);
        var basis = new double[options.Components, p];
        for (var c = 0; c < options.Components; c++)
        {
            for (var j = 0; j < p; j++)
            {
                basis[c, j] = model.Basis[(c * p) + j];
            }
        }

        return new PcaImputation(imputed, MissingMask(train), iterations, converged, lastChange,
            mean, scale, (double[])model.Mean.Clone(), basis, fill, options, columnNames);
    }

    internal static ImputedRows ImputeWithFrozenModel(PcaImputation model, double[,] rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var n = rows.GetLength(0);
        var p = rows.GetLength(1);
        var expected = model.ColumnMean.Length;
        var v = new ViolationCollector();
        if (p != expected)
        {
            v.Add("rows", $"{p} columns", $"the imputation was fitted on {expected} columns");
            v.ThrowIfAny();
        }

        CheckNoInfinity(v, "rows", rows, model.ColumnNames);
        v.ThrowIfAny();

        var z = new double[n * p];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < p; j++)
            {
                z[(i * p) + j] = (rows[i, j] - model.ColumnMean[j]) / model.ColumnScale[j];
            }
        }

        var cells = MissingCells.FromNaN(z, n, p);
        Fill(z, p, cells, model.Fill);

        var options = model.Options;
        var frozen = LowRankModel.Frozen(model.PcaMean, model.Basis);
        var scores = new double[frozen.K];
        var iterations = 0;
        var converged = cells.Count == 0;
        while (!converged && iterations < options.MaxIterations)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var change = frozen.Step(z, cells, scores);
            iterations++;
            converged = change < options.Tolerance;
        }

        return new ImputedRows(Unscale(rows, z, model.ColumnMean, model.ColumnScale, options), MissingMask(rows), iterations, converged);
    }

    private static void ValidateOptions(ViolationCollector v, PcaImputationOptions options, int p)
    {
        if (options.Components < 1 || options.Components >= p)
        {
            v.Add("options.components", options.Components.ToString(CultureInfo.InvariantCulture),
                $"the rank must be at least 1 and below the number of columns ({p})");
        }

        if (options.MaxIterations < 1)
        {
            v.Add("options.max_iterations", options.MaxIterations.ToString(CultureInfo.InvariantCulture), "at least one iteration is needed");
        }

        if (!double.IsFinite(options.Tolerance) || options.Tolerance < 0)
        {
            v.Add("options.tolerance", options.Tolerance, "must be a finite number ≥ 0");
        }

        if (options.Lower is { } lo && !double.IsFinite(lo))
        {
            v.Add("options.lower", lo, "must be finite (leave it unset for no lower clip)");
        }

        if (options.Upper is { } hi && !double.IsFinite(hi))
        {
            v.Add("options.upper", hi, "must be finite (leave it unset for no upper clip)");
        }

        if (options.Lower is { } l && options.Upper is { } u && l > u)
        {
            v.Add("options.lower", l, $"must not exceed options.upper ({ObsValidationException.Format(u)})");
        }
    }

    private static void CheckNoInfinity(ViolationCollector v, string name, double[,] x, IReadOnlyList<string>? columnNames)
    {
        for (var i = 0; i < x.GetLength(0); i++)
        {
            for (var j = 0; j < x.GetLength(1); j++)
            {
                if (double.IsInfinity(x[i, j]))
                {
                    v.Add($"{name}[{i}][{ColumnName(columnNames, j)}]", x[i, j], "a score must be finite (NaN marks a missing value)");
                }
            }
        }
    }

    private static string ColumnName(IReadOnlyList<string>? columnNames, int j) =>
        columnNames is null ? j.ToString(CultureInfo.InvariantCulture) : columnNames[j];

    private static void Fill(double[] z, int p, MissingCells cells, double[] fill)
    {
        for (var r = 0; r < cells.Rows.Length; r++)
        {
            for (var at = cells.Starts[r]; at < cells.Starts[r + 1]; at++)
            {
                var j = cells.Columns[at];
                z[(cells.Rows[r] * p) + j] = fill[j];
            }
        }
    }

    /// <summary>
    /// Back to the raw scale and clipped. Observed cells are copied from the input rather than
    /// unscaled, so that they come back bit-for-bit (the clip aside).
    /// </summary>
    private static double[,] Unscale(double[,] input, double[] z, double[] mean, double[] scale, PcaImputationOptions options)
    {
        var n = input.GetLength(0);
        var p = input.GetLength(1);
        var lower = options.Lower ?? double.NegativeInfinity;
        var upper = options.Upper ?? double.PositiveInfinity;
        var result = new double[n, p];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < p; j++)
            {
                var value = double.IsNaN(input[i, j]) ? (z[(i * p) + j] * scale[j]) + mean[j] : input[i, j];
                result[i, j] = Math.Clamp(value, lower, upper);
            }
        }

        return result;
    }

    private static bool[,] MissingMask(double[,] x)
    {
        var mask = new bool[x.GetLength(0), x.GetLength(1)];
        for (var i = 0; i < x.GetLength(0); i++)
        {
            for (var j = 0; j < x.GetLength(1); j++)
            {
                mask[i, j] = double.IsNaN(x[i, j]);
            }
        }

        return mask;
    }
}
