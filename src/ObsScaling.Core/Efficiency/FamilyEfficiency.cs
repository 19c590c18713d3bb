using System.Globalization;
using ObsScaling.Core.Domain;

namespace ObsScaling.Core.Efficiency;

/// <summary>
/// How one family converts compute into one capability dimension: OLS of a PC score on
/// log10(FLOPs (1E21) + 1e-9) over the family's models (docs/method.md §7, per-family fit).
/// </summary>
public sealed record FamilyEfficiency(string Family, int Component, OlsFit Fit)
{
    private const double LogEpsilon = 1e-9;

    /// <summary>
    /// Fits every (family, component) pair with at least <paramref name="minModels"/> models that have FLOPs.
    /// <paramref name="scores"/> is n × k (rows aligned with <paramref name="families"/> and <paramref name="flopsE21"/>;
    /// NaN FLOPs rows are skipped). Component numbers are 1-based.
    /// Families are returned in order of first appearance, components ascending. Rows without a family
    /// are skipped, and so is a family whose models all share one FLOPs value (no slope exists).
    /// </summary>
    public static IReadOnlyList<FamilyEfficiency> FitAll(double[,] scores, IReadOnlyList<string?> families, IReadOnlyList<double> flopsE21, int minModels = 2, double confidence = 0.95)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(families);
        ArgumentNullException.ThrowIfNull(flopsE21);
        var n = scores.GetLength(0);
        var k = scores.GetLength(1);
        var v = new ViolationCollector();
        if (families.Count != n)
        {
            v.Add("families", families.Count.ToString(CultureInfo.InvariantCulture), $"one family per score row ({n}) is needed");
        }

        if (flopsE21.Count != n)
        {
            v.Add("flopsE21", flopsE21.Count.ToString(CultureInfo.InvariantCulture), $"one FLOPs value per score row ({n}) is needed");
        }

        if (minModels < 2)
        {
            v.Add("minModels", minModels.ToString(CultureInfo.InvariantCulture), "a line needs at least two models");
        }

        if (!(confidence > 0 && confidence < 1))
        {
            v.Add("confidence", confidence, "must lie strictly between 0 and 1");
        }

        v.ThrowIfAny();
        for (var i = 0; i < n; i++)
        {
            var f = flopsE21[i];
            if (double.IsInfinity(f) || f < 0)
            {
                v.Add($"flopsE21[{i}]", f, "FLOPs must be a finite non-negative number (NaN when unknown)");
            }

            for (var c = 0; c < k; c++)
            {
                if (!double.IsFinite(scores[i, c]))
                {
                    v.Add($"scores[{i}][{c}]", scores[i, c], "PC scores must be finite");
                }
            }
        }

        v.ThrowIfAny();

        var byFamily = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var order = new List<string>();
        for (var i = 0; i < n; i++)
        {
            if (families[i] is not { } family || double.IsNaN(flopsE21[i]))
            {
                continue;
            }

            if (!byFamily.TryGetValue(family, out var rows))
            {
                byFamily[family] = rows = [];
                order.Add(family);
            }

            rows.Add(i);
        }

        var result = new List<FamilyEfficiency>();
        foreach (var family in order)
        {
            var rows = byFamily[family];
            if (rows.Count < minModels)
            {
                continue;
            }

            var x = rows.Select(i => Math.Log10(flopsE21[i] + LogEpsilon)).ToArray();
            if (x.All(value => value == x[0]))
            {
                continue;
            }

            for (var c = 0; c < k; c++)
            {
                var y = rows.Select(i => scores[i, c]).ToArray();
                result.Add(new FamilyEfficiency(family, c + 1, LinearRegression.Fit(x, y, confidence, "log10_flops")));
            }
        }

        return result;
    }
}
