using System.Management.Automation;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Holdout;
using ObsScaling.Core.Import;
using ObsScaling.Core.Laws;
using ObsScaling.PowerShell.Model;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.PowerShell.Cmdlets;

/// <summary>
/// Runs one of the paper's analyses (docs/method.md §9) as a comparing backtest: reads the paper's CSV files from -Data,
/// uploads the analysis's models to the dataset "paper-&lt;analysis&gt;", and backtests every target of the analysis
/// with the reference setup (target transform, capability benchmarks, link, loss, split, reference family).
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "ObsPaperBacktest")]
[OutputType(typeof(ObsBacktestRow))]
public sealed class InvokeObsPaperBacktest : BacktestCmdlet
{
    private static readonly string[] DefaultCompare = ["PC1", "PC2", "PC3", "PC4", "LogFlops", "LogParams", "Benchmark:MMLU"];

    /// <summary>Emergent (Sec 4.1: four BIG-Bench tasks), PostTraining (Sec 4.2: GSM8K greedy, CoT, CoT + self-consistency) or Agents (Sec 4.3: AgentBench, AgentBoard).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateSet("Emergent", "PostTraining", "Agents")]
    public string Analysis { get; set; } = "";

    // -SweepColumn defaults to the analysis's own split column (see ProcessRecord).

    /// <summary>The folder holding the paper's public CSV files (eval_results of github.com/ryoungj/ObsScaling).</summary>
    [Parameter(Mandatory = true)]
    public string Data { get; set; } = "";

    protected override void ProcessRecord()
    {
        var folder = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Data);
        var missing = PaperDatasets.AllFiles.Where(f => f != PaperDatasets.BaseBenchmarkSub10BFile && !File.Exists(Path.Combine(folder, f))).ToArray();
        if (!Directory.Exists(folder) || missing.Length > 0)
        {
            WriteError(new ErrorRecord(
                new FileNotFoundException($"The paper's data is not complete in '{folder}' (missing: {string.Join(", ", missing)}). Download eval_results of github.com/ryoungj/ObsScaling (Apache-2.0) and pass the folder with -Data."),
                "ObsPaperDataMissing",
                ErrorCategory.ObjectNotFound,
                folder));
            return;
        }

        Compare ??= DefaultCompare;
        if (!this.TryMode(this, out var mode) || !this.TryPredictorSets(this, out var sets))
        {
            return;
        }

        TextReader Open(string file) => File.OpenText(Path.Combine(folder, file));
        PaperAnalysis[] analyses = Analysis switch
        {
            "Emergent" =>
            [
                PaperAnalyses.Emergent(Open, "word_unscrambling_2_exact_match"), PaperAnalyses.Emergent(Open, "parsinlu_qa_2_acc"),
                PaperAnalyses.Emergent(Open, "arithmetic_3ds_2_acc"), PaperAnalyses.Emergent(Open, "arithmetic_2dm_2_acc"),
            ],
            "PostTraining" =>
            [
                PaperAnalyses.PostTraining(Open, PaperAnalyses.GsmNaive), PaperAnalyses.PostTraining(Open, PaperAnalyses.GsmCot),
                PaperAnalyses.PostTraining(Open, PaperAnalyses.GsmCotSelfConsistency),
            ],
            _ => [PaperAnalyses.AgentBench(Open), PaperAnalyses.AgentBoard(Open)],
        };

        // One dataset per distinct model set (the agent analyses differ in their rows).
        var uploaded = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var a in analyses)
        {
            var key = string.Join("\n", a.Models.Models.Select(m => m.Name));
            if (!uploaded.TryGetValue(key, out var dataset))
            {
                dataset = "paper-" + Analysis.ToLowerInvariant() + (uploaded.Count > 0 ? "-" + (uploaded.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) : "");
                if (!TryCall(() => Upload(dataset, a.Models), dataset))
                {
                    return;
                }

                uploaded[key] = dataset;
            }

            var request = this.Request(dataset, ToSpec(a.Options), mode, sets);
            if (mode == V1.BacktestMode.CutoffSweep && SweepColumn is null)
            {
                // The reference sweeps the column its analysis splits on: FLOPs for base models, the score for agents.
                request.Sweep ??= new V1.CutoffSweepSettings { HeldOutShares = { HeldOutShare ?? [0.1, 0.2, 0.3, 0.4, 0.5] } };
                request.Sweep.Column = a.Options.Split.Column;
            }

            this.RunBacktest(request, dataset, a.Name);
        }
    }

    private void Upload(string dataset, ModelSet models)
    {
        var metrics = models.OrderedMetrics().Select(ObsMetric.FromDomain).ToArray();
        using var call = Client.ImportModels(Call());
        var header = new V1.ImportHeader { Dataset = dataset, Mode = V1.ImportMode.Replace, DisplayName = "paper analysis " + Analysis };
        header.Metrics.AddRange(metrics.Select(m => m.ToProto()));
        Await(call.RequestStream.WriteAsync(new V1.ImportModelsRequest { Header = header }));
        foreach (var m in models.Models)
        {
            Await(call.RequestStream.WriteAsync(new V1.ImportModelsRequest { Model = ObsModel.FromDomain(m, metrics).ToProto() }));
        }

        Await(call.RequestStream.CompleteAsync());
        Await(call.ResponseAsync);
    }

    /// <summary>The reference setup of an analysis as the contract's fit specification: every setting, every split kind.</summary>
    internal static V1.FitSpec ToSpec(HoldoutOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var spec = new V1.FitSpec
        {
            Target = o.Target,
            ReferenceFamily = o.ReferenceFamily,
            Link = o.Law.Link switch
            {
                LawLink.Linear => V1.Link.Linear,
                LawLink.Sigmoid => V1.Link.Sigmoid,
                _ => V1.Link.SigmoidWithFloor,
            },
            Loss = o.Law.Loss == LossKind.Huber ? V1.Loss.Huber : V1.Loss.Squared,
            HuberDelta = o.Law.Loss == LossKind.Huber ? o.Law.HuberDelta : 0,
            FloorMax = o.Law.FloorMax,
            PcaComponents = o.Pca.Components,
            Imputation = new V1.ImputationSettings { Components = o.Imputation.Components, MaxIterations = o.Imputation.MaxIterations, Tolerance = o.Imputation.Tolerance },
            Transform = new V1.Transform
            {
                Kind = o.Transform.Kind switch
                {
                    TargetTransformKind.MinMax => V1.TransformKind.MinMax,
                    TargetTransformKind.Logit => V1.TransformKind.Logit,
                    TargetTransformKind.Log => V1.TransformKind.Log,
                    _ => V1.TransformKind.None,
                },
                Low = o.Transform.Low,
                High = o.Transform.High,
            },
            Predictors = new V1.Predictors
            {
                Kind = o.Predictors.Kind switch
                {
                    PredictorKind.LogFlops => V1.PredictorKind.LogFlops,
                    PredictorKind.LogParameters => V1.PredictorKind.LogParameters,
                    PredictorKind.Metrics => V1.PredictorKind.Metrics,
                    PredictorKind.IrtCapability => V1.PredictorKind.IrtCapability,
                    _ => V1.PredictorKind.PrincipalComponents,
                },
                Components = o.Predictors.Kind == PredictorKind.PrincipalComponents ? o.Predictors.Components : 0,
                Metrics = { o.Predictors.Kind == PredictorKind.Metrics ? o.Predictors.MetricNames : [] },
            },
            Split = new V1.Split
            {
                Kind = o.Split.Kind switch
                {
                    HoldoutSplitKind.Cutoff => V1.SplitKind.Cutoff,
                    HoldoutSplitKind.CutoffRatio => V1.SplitKind.CutoffRatio,
                    HoldoutSplitKind.Top => V1.SplitKind.Top,
                    HoldoutSplitKind.TopFraction => V1.SplitKind.TopFraction,
                    HoldoutSplitKind.Random => V1.SplitKind.Random,
                    HoldoutSplitKind.Explicit => V1.SplitKind.Explicit,
                    var k => throw new ArgumentOutOfRangeException(nameof(o), k, "a split kind the contract cannot carry"),
                },
                Column = o.Split.Column,
                Threshold = o.Split.Threshold,
                Count = o.Split.Count,
                Fraction = o.Split.Fraction,
                Seed = o.Split.Seed,
                TestModels = { o.Split.TestModels },
            },
        };
        if (o.Intervals is { } i)
        {
            spec.Intervals = new V1.IntervalSettings
            {
                Method = i.Method switch
                {
                    Core.Uncertainty.IntervalMethod.Parametric => V1.IntervalMethod.Parametric,
                    Core.Uncertainty.IntervalMethod.ModelBootstrap => V1.IntervalMethod.ModelBootstrap,
                    Core.Uncertainty.IntervalMethod.FamilyBootstrap => V1.IntervalMethod.FamilyBootstrap,
                    var m => throw new ArgumentOutOfRangeException(nameof(o), m, "an interval method the contract cannot carry"),
                },
                Level = i.Level,
                Resamples = i.Resamples,
                Seed = i.Seed,
            };
        }

        spec.CapabilityMetrics.AddRange(o.CapabilityMetrics);
        spec.ExcludeFromTrain.AddRange(o.ExcludeFromTrain);
        return spec;
    }
}
