using System.Text.Json;
using ObsScaling.Core.Backtests;
using ObsScaling.Core.Holdout;
using ObsScaling.Core.Import;
using ObsScaling.Core.Tests.Support;

namespace ObsScaling.Core.Tests.Backtests;

/// <summary>
/// Leave-one-family-out and the FLOPs cutoff sweep on the paper's post-training analysis (GSM8K CoT), against
/// tests/golden/backtests_reference.py (numpy/scipy, least squares at the optimum).
/// </summary>
public class BacktestGoldenTests
{
    // Both sides converge to the least-squares optimum from several starts and impute to a fixed point; what is
    // left is solver round-off, amplified on folds whose test family sits far outside the training range.
    private const double FoldRelative = 1e-4;
    private const double PooledRelative = 1e-5;

    private static readonly Lazy<JsonElement> Reference = new(() =>
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "golden", "backtests_reference.json")));
        return doc.RootElement.Clone();
    });

    private static readonly PredictorSet[] Sets = [PredictorSet.PrincipalComponents(3), PredictorSet.LogFlops, PredictorSet.Metrics("MMLU")];

    private static PaperAnalysis Analysis() => PaperAnalyses.PostTraining(PaperData.Open, PaperAnalyses.GsmCot);

    [SkippableFact]
    public void Leave_one_family_out_matches_the_reference_per_family_and_pooled()
    {
        PaperData.SkipIfAbsent();
        var a = Analysis();
        var table = BacktestComparison.LeaveOneFamilyOut(a.Models, a.Options, Sets);
        var expected = Reference.Value.GetProperty("leave_one_family_out").EnumerateArray().ToArray();
        Assert.Equal(Sets.Length, table.Rows.Count);
        for (var s = 0; s < Sets.Length; s++)
        {
            var row = table.Rows[s];
            var e = expected[s];
            Assert.Equal(e.GetProperty("test_count").GetInt32(), row.TestCount);
            Relative(e.GetProperty("pooled_test_mse").GetDouble(), row.TestMse, PooledRelative, $"{row.Name} pooled");
            Relative(e.GetProperty("mean_train_mse").GetDouble(), row.TrainMse, PooledRelative, $"{row.Name} mean train");
            var folds = e.GetProperty("folds").EnumerateArray().ToArray();
            Assert.Equal(folds.Select(f => f.GetProperty("family").GetString()), row.Families.Select(f => f.Family));
            for (var f = 0; f < folds.Length; f++)
            {
                if (folds[f].TryGetProperty("unavailable", out _))
                {
                    Assert.NotNull(row.Families[f].Unavailable);
                    continue;
                }

                Assert.Null(row.Families[f].Unavailable);
                Assert.Equal(folds[f].GetProperty("test_count").GetInt32(), row.Families[f].TestCount);
                Relative(folds[f].GetProperty("test_mse").GetDouble(), row.Families[f].TestMse, FoldRelative, $"{row.Name} without {row.Families[f].Family}");
            }
        }

        Assert.Equal("PC-1..3", Assert.Single(table.Rows, r => r.Best).Name);
    }

    [SkippableFact]
    public void Flops_sweep_matches_the_reference_points_and_area_under_error()
    {
        PaperData.SkipIfAbsent();
        var a = Analysis();
        var shares = Reference.Value.GetProperty("setup").GetProperty("shares").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        var table = BacktestComparison.CutoffSweep(a.Models, a.Options, Sets, new CutoffSweepOptions { HeldOutShares = shares });
        var expected = Reference.Value.GetProperty("cutoff_sweep").EnumerateArray().ToArray();
        for (var s = 0; s < Sets.Length; s++)
        {
            var row = table.Rows[s];
            var points = expected[s].GetProperty("points").EnumerateArray().ToArray();
            for (var p = 0; p < points.Length; p++)
            {
                Assert.Equal(points[p].GetProperty("test_count").GetInt32(), row.Sweep[p].TestCount);
                Assert.Equal(points[p].GetProperty("train_count").GetInt32(), row.Sweep[p].TrainCount);
                Relative(points[p].GetProperty("test_mse").GetDouble(), row.Sweep[p].TestMse, FoldRelative, $"{row.Name} at {shares[p]}");
            }

            Relative(expected[s].GetProperty("aue").GetDouble(), row.AreaUnderError!.Value, PooledRelative, $"{row.Name} AUE");
        }

        Assert.Equal("PC-1..3", Assert.Single(table.Rows, r => r.Best).Name);
    }

    private static void Relative(double expected, double actual, double tolerance, string what) =>
        Assert.True(Math.Abs(actual - expected) <= tolerance * Math.Abs(expected), $"{what}: expected {expected:R}, got {actual:R} (relative {Math.Abs(actual - expected) / Math.Abs(expected):E2} > {tolerance:E0})");
}
