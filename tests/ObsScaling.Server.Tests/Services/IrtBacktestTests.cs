using Grpc.Core;
using ObsScaling.Core.Holdout;
using ObsScaling.Core.Import;
using ObsScaling.Server.Tests.Errors;
using ObsScaling.Server.Tests.Support;
using Xunit.Abstractions;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Services;

/// <summary>
/// The IRT capability beside PC-1..3 and the compute baseline in the paper's backtests, through the Backtest RPC:
/// each IRT row is the engine's own holdout analysis with the IRT predictor (the server adds nothing), and the
/// table is written to the test output for the method notes.
/// </summary>
public class IrtBacktestTests(SharedServer shared, ITestOutputHelper output) : IClassFixture<SharedServer>
{
    private static readonly V1.Predictors[] Sets =
    [
        new() { Kind = V1.PredictorKind.PrincipalComponents, Components = 3 },
        new() { Kind = V1.PredictorKind.LogFlops },
        new() { Kind = V1.PredictorKind.IrtCapability },
    ];

    public static TheoryData<string> Analyses => ["posttrain-cot", "lbv2-bbh", "agentbench"];

    private static (PaperAnalysis Analysis, V1.FitSpec Spec) Setup(string name)
    {
        var spec = new V1.FitSpec { Loss = V1.Loss.Huber, HuberDelta = 1 };
        switch (name)
        {
            case "posttrain-cot":
                spec.Target = PaperAnalyses.GsmCot;
                spec.CapabilityMetrics.Add(PaperMetrics.NonGsmBenchmarks);
                spec.Split = new V1.Split { Kind = V1.SplitKind.Cutoff, Column = "FLOPs (1E21)", Threshold = 84 };
                return (PaperAnalyses.PostTraining(PaperData.Open, PaperAnalyses.GsmCot), spec);
            case "lbv2-bbh":
                spec.Target = "leaderboard_bbh";
                spec.Transform = new V1.Transform { Kind = V1.TransformKind.MinMax, Low = PaperMetrics.BbhRandomMean, High = 1 };
                spec.CapabilityMetrics.Add(PaperMetrics.NonGsmBenchmarks);
                spec.Split = new V1.Split { Kind = V1.SplitKind.Cutoff, Column = "FLOPs (1E21)", Threshold = 84 };
                spec.Link = V1.Link.Sigmoid;
                return (PaperAnalyses.LeaderboardV2(PaperData.Open, "bbh"), spec);
            default:
                spec = new V1.FitSpec
                {
                    Target = "ABench-OA",
                    Transform = new V1.Transform { Kind = V1.TransformKind.MinMax, Low = 0, High = 10 },
                    CapabilityMetrics = { PaperMetrics.InstructBenchmarks },
                    Split = new V1.Split { Kind = V1.SplitKind.TopFraction, Column = HoldoutSplit.TargetColumn, Fraction = 0.1 },
                    ReferenceFamily = "Llama-2-Chat",
                };
                return (PaperAnalyses.AgentBench(PaperData.Open), spec);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Analyses))]
    public async Task Irt_capability_compares_with_pcs_and_compute_on_the_papers_analyses(string name)
    {
        PaperData.SkipIfAbsent();
        var (analysis, spec) = Setup(name);
        var dataset = "irt-" + Guid.NewGuid().ToString("N")[..8];
        await Uploads.ImportAsync(shared.Client, dataset, analysis.Models);

        var holdout = await RunAsync(new V1.BacktestRequest { Dataset = dataset, Spec = spec, Compare = { Sets } });
        Assert.Equal(["PC-1..3", "ln FLOPs", "IRT capability"], holdout.Rows.Select(r => r.Predictors));
        var irt = holdout.Rows[2];
        Assert.Equal("", irt.Unavailable);
        Assert.Equal(["C (IRT)"], irt.Law.PredictorNames);

        // The Core analysis of the same setup with the IRT predictor gives the same row.
        var core = HoldoutAnalysis.Run(analysis.Models, analysis.Options with { Predictors = PredictorSet.IrtCapability });
        Assert.Equal(core.TestMse, irt.TestMse, core.TestMse * 1e-9);
        Assert.Equal(core.Test.Count, irt.TestCount);

        var lofo = await RunAsync(new V1.BacktestRequest { Dataset = dataset, Spec = spec, Compare = { Sets }, Mode = V1.BacktestMode.LeaveOneFamilyOut });
        Assert.All(lofo.Rows, r => Assert.True(r.Unavailable.Length > 0 || (double.IsFinite(r.TestMse) && r.Families.Count > 1), r.Predictors));
        output.WriteLine($"{name}: holdout test MSE " + string.Join(", ", holdout.Rows.Select(Mse)) +
            $"; leave one family out " + string.Join(", ", lofo.Rows.Select(Mse)));
    }

    private static string Mse(V1.BacktestRow r) => r.Unavailable.Length > 0 ? $"{r.Predictors} n/a" : $"{r.Predictors} {r.TestMse:G3}";

    private async Task<V1.BacktestResult> RunAsync(V1.BacktestRequest request)
    {
        using var call = shared.Client.Backtest(request);
        var events = await call.ResponseStream.ReadAllAsync().ToListAsync();
        return events.Single(e => e.EventCase == V1.BacktestEvent.EventOneofCase.Result).Result;
    }
}
