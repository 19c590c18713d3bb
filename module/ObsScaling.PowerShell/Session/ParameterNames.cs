using System.Globalization;
using System.Text.RegularExpressions;

namespace ObsScaling.PowerShell.Session;

/// <summary>
/// The cmdlet parameter behind a field of the contract ("spec.split.threshold" is -SplitThreshold), so that errors
/// name what the user typed; and the near misses among valid values.
/// </summary>
internal static partial class ParameterNames
{
    private static readonly Dictionary<string, string> ByField = new(StringComparer.Ordinal)
    {
        ["target"] = "Target",
        ["transform"] = "Transform",
        ["transform.kind"] = "Transform",
        ["transform.low"] = "TransformLow",
        ["transform.high"] = "TransformHigh",
        ["predictors"] = "Predictor",
        ["predictors.kind"] = "Predictor",
        ["predictors.components"] = "Components",
        ["predictors.metrics"] = "PredictorMetric",
        ["irt"] = "Predictor",
        ["irt.anchor_benchmark"] = "IrtAnchorBenchmark",
        ["irt.chance_floors"] = "IrtChanceFloors",
        ["irt.ridge"] = "IrtRidge",
        ["capability_metrics"] = "CapabilityMetric",
        ["pca_components"] = "PcaComponents",
        ["link"] = "Link",
        ["loss"] = "Loss",
        ["huber_delta"] = "HuberDelta",
        ["floor_max"] = "FloorMax",
        ["split"] = "Split",
        ["split.kind"] = "Split",
        ["split.column"] = "SplitColumn",
        ["split.threshold"] = "SplitThreshold",
        ["split.count"] = "SplitCount",
        ["split.fraction"] = "SplitFraction",
        ["split.seed"] = "Seed",
        ["split.test_models"] = "TestModel",
        ["exclude_from_train"] = "ExcludeFromTrain",
        ["reference_family"] = "ReferenceFamily",
        ["intervals"] = "Interval",
        ["intervals.method"] = "Interval",
        ["intervals.level"] = "IntervalLevel",
        ["intervals.resamples"] = "Resamples",
        ["intervals.seed"] = "IntervalSeed",
        ["compare"] = "Compare",
        ["compare.metrics"] = "Compare",
        ["sweep.held_out_shares"] = "HeldOutShare",
        ["sweep.column"] = "SweepColumn",
        ["leave_one_family_out.families"] = "Family",
        ["baseline"] = "Baseline",
        ["techniques"] = "Technique",
        ["grid_from"] = "GridFrom",
        ["grid_to"] = "GridTo",
        ["grid_points"] = "GridPoints",
        ["components"] = "Components",
        ["metrics"] = "Metric",
        ["dataset"] = "Dataset",
        ["fit_id"] = "Name",
    };

    /// <summary>Parameters whose valid values are the dataset's metrics (and, for columns, its metadata columns).</summary>
    public static readonly HashSet<string> MetricParameters = new(StringComparer.Ordinal) { "Target", "CapabilityMetric", "PredictorMetric", "Baseline", "Technique", "Compare", "Metric", "IrtAnchorBenchmark" };

    public static readonly HashSet<string> ColumnParameters = new(StringComparer.Ordinal) { "SplitColumn", "SweepColumn" };

    public static readonly HashSet<string> FamilyParameters = new(StringComparer.Ordinal) { "ReferenceFamily", "Family" };

    /// <summary>"-SplitThreshold", "-CapabilityMetric (item 2)", or the field itself when no parameter carries it.</summary>
    public static (string Display, string? Parameter) Of(string field)
    {
        // A figure's decomposition settings are the decomposition's own parameters on Export-ObsPlot.
        var f = field.StartsWith("spec.", StringComparison.Ordinal) ? field["spec.".Length..]
            : field.StartsWith("decomposition.", StringComparison.Ordinal) ? field["decomposition.".Length..]
            : field;
        var item = Index().Match(f);
        var path = Index().Replace(f, "");
        if (!ByField.TryGetValue(path, out var parameter))
        {
            return (field, null);
        }

        var suffix = item.Success ? $" (item {int.Parse(item.Groups[1].Value, CultureInfo.InvariantCulture) + 1})" : "";
        return ("-" + parameter + suffix, parameter);
    }

    /// <summary>The values closest to <paramref name="value"/> (edit distance within a third of its length, at least 2).</summary>
    public static IReadOnlyList<string> NearMisses(string value, IEnumerable<string> valid)
    {
        var limit = Math.Max(2, value.Length / 3);
        return valid.Select(v => (v, d: Distance(value.ToUpperInvariant(), v.ToUpperInvariant())))
            .Where(x => x.d <= limit && x.d > 0).OrderBy(x => x.d).Select(x => x.v).Take(3).ToArray();
    }

    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var previous = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var current = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), previous + (a[i - 1] == b[j - 1] ? 0 : 1));
                previous = current;
            }
        }

        return row[b.Length];
    }

    [GeneratedRegex(@"\[(\d+)\]")]
    private static partial Regex Index();
}
