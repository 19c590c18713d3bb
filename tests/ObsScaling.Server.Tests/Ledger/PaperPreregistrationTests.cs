using System.Text.Json;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Import;
using ObsScaling.Core.Ledger;
using ObsScaling.Server.Tests.Support;
using Xunit.Abstractions;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Ledger;

/// <summary>
/// The paper's preregistration, end to end through the service: the leaderboard-v2 laws fitted without the 20
/// preregistered models, forecasts recorded for them, their leaderboard-v2 scores imported and the ledger scored.
/// Every number is checked against tests/golden/preregistration_reference.py (numpy/scipy/sklearn).
/// </summary>
public class PaperPreregistrationTests(ITestOutputHelper output)
{
    private static readonly (string Task, string Target, double Low, double Cutoff)[] Tasks =
    [
        ("bbh", "leaderboard_bbh", PaperMetrics.BbhRandomMean, 84),
        ("gpqa", "leaderboard_gpqa", 0.25, 168),
        ("math_hard", "leaderboard_math_hard", 0, 252),
    ];

    [SkippableFact]
    public async Task Preregistered_leaderboard_v2_forecasts_match_the_reference_and_are_scored()
    {
        PaperData.SkipIfAbsent();
        using var reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "golden", "preregistration_reference.json")));
        var prereg = PaperDatasets.PreregisteredModels.ToHashSet(StringComparer.Ordinal);
        var families = PaperDatasets.EvalFamiliesWithFlops.ToHashSet(StringComparer.Ordinal);
        var lbv2 = PaperDatasets.Read(PaperData.Open, PaperDatasets.LeaderboardV2File);
        var baseAll = PaperDatasets.LoadBase(PaperData.Open, onlyEvalFamilies: false, includePreregistered: true);
        var known = baseAll.Join(lbv2).Where(m => m.Family is { } f && families.Contains(f) && !prereg.Contains(m.Name));
        var upcoming = baseAll.Where(m => prereg.Contains(m.Name));
        Assert.Equal(20, upcoming.Count);

        await using var server = await ServerHandle.InMemoryAsync();
        await Uploads.ImportAsync(server.Client, "lbv2-known", known);
        await Uploads.ImportAsync(server.Client, "prereg-models", upcoming);
        var entries = new Dictionary<string, List<V1.Preregistration>>();
        foreach (var (task, target, low, cutoff) in Tasks)
        {
            var fit = await Uploads.FitAsync(server.Client, "lbv2-known", Spec(target, low, cutoff), task.Replace('_', '-'));
            var created = await server.Client.CreatePreregistrationsAsync(new V1.CreatePreregistrationsRequest
            {
                Parent = "ledgers/paper",
                Fit = fit.Name,
                SourceDataset = "datasets/prereg-models",
                Models = { PaperDatasets.PreregisteredModels },
            });
            entries[task] = [.. created.Entries];
            var r = reference.RootElement.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("task").GetString() == task);
            Assert.Equal(r.GetProperty("train_models").EnumerateArray().Select(e => e.GetString()).Order(), fit.Predictions.Where(p => p.InTrain).Select(p => p.Model).Order());

            // The canonical encoding matches the reference's byte for byte (same rows, same columns, same spec text).
            var train = fit.Predictions.Where(p => p.InTrain).Select(p => p.Model).ToHashSet();
            Assert.Equal(r.GetProperty("data_hash").GetString(), FitDataHash.Compute(known.Models.Where(m => train.Contains(m.Name)), [target, .. PaperMetrics.NonGsmBenchmarks], "python-reference"));
            Assert.Equal(r.GetProperty("data_rows").GetInt32(), created.Entries[0].DataRows);

            foreach (var (e, x) in created.Entries.Zip(r.GetProperty("entries").EnumerateArray()))
            {
                Assert.Equal(x.GetProperty("model").GetString(), e.Input.Model);
                Assert.False(e.AlreadyObserved);
                Assert.Equal(x.GetProperty("predicted_raw").GetDouble(), e.PredictedRaw, 1e-7);
                Assert.Equal(x.GetProperty("lower_raw").GetDouble(), e.LowerRaw, 1e-7);
                Assert.Equal(x.GetProperty("upper_raw").GetDouble(), e.UpperRaw, 1e-7);
            }
        }

        // The scores arrive: the leaderboard-v2 table, joined onto the preregistered models' rows.
        await Uploads.ImportAsync(server.Client, "prereg-models", upcoming.Join(lbv2), V1.ImportMode.Append);
        var scored = await server.Client.ScorePreregistrationsAsync(new V1.ScorePreregistrationsRequest { Parent = "ledgers/paper", Dataset = "datasets/prereg-models" });
        var overall = reference.RootElement.GetProperty("overall");
        Assert.Equal(overall.GetProperty("scored").GetInt32(), scored.Scored.Count);
        Assert.Equal(9, scored.Unobserved.Count);
        Assert.Equal(overall.GetProperty("inside").GetInt32(), scored.Summary.Inside);
        Assert.Equal(overall.GetProperty("coverage").GetDouble(), scored.Summary.Coverage, 12);
        Assert.Equal(overall.GetProperty("mae").GetDouble(), scored.Summary.MeanAbsoluteError, 1e-7);
        Assert.Equal(overall.GetProperty("rmse").GetDouble(), scored.Summary.RootMeanSquareError, 1e-7);
        foreach (var e in scored.Scored)
        {
            var task = Tasks.Single(t => t.Target == e.Target).Task;
            var x = reference.RootElement.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("task").GetString() == task)
                .GetProperty("entries").EnumerateArray().Single(y => y.GetProperty("model").GetString() == e.Input.Model);
            Assert.Equal(x.GetProperty("observed_raw").GetDouble(), e.Score.ObservedRaw);
            Assert.Equal(x.GetProperty("error_raw").GetDouble(), e.Score.ErrorRaw, 1e-7);
            Assert.Equal(x.GetProperty("inside").GetBoolean(), e.Score.Inside);
        }

        foreach (var (task, _, _, _) in Tasks)
        {
            var ids = entries[task].Select(e => e.Name).ToHashSet();
            var mine = scored.Scored.Where(e => ids.Contains(e.Name)).ToList();
            output.WriteLine($"{task}: {mine.Count} scored, {mine.Count(e => e.Score.Inside)} inside the 90% interval, MAE {mine.Average(e => e.Score.AbsoluteErrorRaw):F4}");
        }

        output.WriteLine($"overall: {scored.Summary.Scored}/{scored.Summary.Entries} scored, coverage {scored.Summary.Coverage:P1}, MAE {scored.Summary.MeanAbsoluteError:F4}, RMSE {scored.Summary.RootMeanSquareError:F4}");
    }

    internal static V1.FitSpec Spec(string target, double low, double cutoff) => new()
    {
        Target = target,
        Transform = new V1.Transform { Kind = V1.TransformKind.MinMax, Low = low, High = 1 },
        CapabilityMetrics = { PaperMetrics.NonGsmBenchmarks },
        Link = V1.Link.Sigmoid,
        Loss = V1.Loss.Huber,
        Split = new V1.Split { Kind = V1.SplitKind.Cutoff, Column = "FLOPs (1E21)", Threshold = cutoff },
        Intervals = new V1.IntervalSettings { Method = V1.IntervalMethod.Parametric, Level = 0.9 },
    };
}
