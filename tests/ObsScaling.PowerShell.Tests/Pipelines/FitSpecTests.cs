using System.Management.Automation;
using System.Reflection;
using ObsScaling.Core.Holdout;
using ObsScaling.Core.Import;
using ObsScaling.Core.Laws;
using ObsScaling.PowerShell.Cmdlets;
using ObsScaling.PowerShell.Model;
using ObsScaling.PowerShell.Tests.Support;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.PowerShell.Tests.Pipelines;

/// <summary>
/// One fit-spec surface: New-ObsFitSpec, Invoke-ObsFit, Invoke-ObsBacktest and Compare-ObsTechnique share the spec
/// parameters and their checks, every split or interval parameter takes effect or is refused naming it, and the paper
/// backtest carries its analysis's whole setup.
/// </summary>
public sealed class FitSpecTests(KestrelServer server) : IClassFixture<KestrelServer>
{
    private const string Zoo = "New-ObsSyntheticZoo -Seed 7 -Families 10 -ModelsPerFamily 5 | Import-ObsModel -Dataset spec-zoo -Mode Replace -Confirm:$false | Out-Null";

    [Fact]
    public void SplitThreshold_without_Split_is_a_cutoff_at_that_threshold_not_the_default_split()
    {
        using var host = server.Connect();
        host.RunClean(Zoo);
        var law = ModuleHost.Base<ObsLaw>(host.RunClean("Invoke-ObsFit spec-zoo -Target downstream -SplitThreshold 30 -ReferenceFamily family-01 -Name cut30 -Force").Single());
        Assert.Equal(V1.SplitKind.Cutoff, law.Spec.Split.Kind);
        Assert.Equal(30, law.Spec.Split.Threshold);
        var models = host.RunClean("Get-ObsModel spec-zoo").Select(ModuleHost.Base<ObsModel>).ToArray();
        var expectedTrain = models.Count(m => m.FlopsE21 is <= 30 && m.Scores.ContainsKey("downstream"));
        Assert.Equal(expectedTrain, law.TrainCount);
    }

    [Fact]
    public void SplitColumn_without_Split_is_refused_naming_the_parameter_and_the_kinds_that_use_it()
    {
        using var host = new ModuleHost();
        foreach (var cmdlet in new[] { "New-ObsFitSpec -Target downstream", "Invoke-ObsFit no-such -Target downstream", "Invoke-ObsBacktest no-such -Target downstream", "Compare-ObsTechnique no-such -Baseline a -Technique b" })
        {
            var output = host.Run(cmdlet + " -SplitColumn 'Model Size (B)'");
            Assert.Empty(output);
            var error = Assert.Single(host.Errors);
            Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
            Assert.Equal("SplitColumn", Assert.IsType<ArgumentException>(error.Exception).ParamName);
            Assert.Contains("-SplitColumn", error.ToString(), StringComparison.Ordinal);
            Assert.Contains("Cutoff, CutoffRatio, Top, TopFraction", error.ToString(), StringComparison.Ordinal);
        }

        // Nothing was started to find that out.
        Assert.Empty(host.RunClean("Get-ObsConnection"));
    }

    [Theory]
    [InlineData("-Split TopFraction -SplitFraction 0.2 -SplitThreshold 30", "SplitThreshold", "does not use it")]
    [InlineData("-Split Cutoff", "Split", "needs -SplitThreshold")]
    [InlineData("-SplitFraction 0.2", "SplitFraction", "one of CutoffRatio, TopFraction, Random")]
    [InlineData("-IntervalLevel 0.8", "IntervalLevel", "needs -Interval")]
    [InlineData("-Interval Parametric -Resamples 50", "Resamples", "does not resample")]
    [InlineData("-Predictor LogFlops -Components 2", "Components", "PrincipalComponents")]
    [InlineData("-Predictor LogFlops -IrtRidge 0.001", "IrtRidge", "-Predictor IrtCapability")]
    [InlineData("-Loss Squared -HuberDelta 0.5", "HuberDelta", "-Loss Huber")]
    [InlineData("-Transform Logit -TransformLow 0.25", "TransformLow", "MinMax")]
    public void Spec_parameters_that_cannot_take_effect_are_InvalidArgument_naming_them(string arguments, string parameter, string reason)
    {
        using var host = new ModuleHost();
        Assert.Empty(host.Run("New-ObsFitSpec -Target downstream " + arguments));
        var error = Assert.Single(host.Errors);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Equal("ObsSpecParameterConflict", error.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(parameter, Assert.IsType<ArgumentException>(error.Exception).ParamName);
        Assert.Contains(reason, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Implied_kinds_are_filled_in_and_a_spec_round_trips_through_the_contract()
    {
        using var host = new ModuleHost();
        var spec = ModuleHost.Base<ObsFitSpec>(host.RunClean("New-ObsFitSpec -Target t -TestModel a, b -TransformLow 0.25 -TransformHigh 1 -HuberDelta 0.5 -PredictorMetric m1 -Interval ModelBootstrap -Resamples 50 -IntervalLevel 0.8").Single());
        Assert.Equal((ObsSplitKind?)ObsSplitKind.Explicit, spec.Split);
        Assert.Equal((ObsTransformKind?)ObsTransformKind.MinMax, spec.Transform);
        Assert.Equal((ObsLoss?)ObsLoss.Huber, spec.Loss);
        Assert.Equal((ObsPredictorKind?)ObsPredictorKind.Metrics, spec.Predictor);
        var proto = spec.ToProto();
        Assert.Equal(V1.SplitKind.Explicit, proto.Split.Kind);
        Assert.Equal(["a", "b"], proto.Split.TestModels);
        Assert.Equal((V1.IntervalMethod.ModelBootstrap, 50, 0.8), (proto.Intervals.Method, proto.Intervals.Resamples, proto.Intervals.Level));
        Assert.Equal(proto, ObsFitSpec.FromProto(proto).ToProto());

        // A stored spec with a setting its loss ignores (a Huber δ on squared loss) is reused without a refusal.
        var stored = new V1.FitSpec { Target = "t", Loss = V1.Loss.Squared, HuberDelta = 1, Link = V1.Link.Linear, FloorMax = 0.2 };
        var reused = ObsFitSpec.FromProto(stored);
        Assert.Empty(reused.Resolve());
        Assert.Equal((V1.Loss.Squared, 0.0, V1.Link.Linear, 0.0), (reused.ToProto().Loss, reused.ToProto().HuberDelta, reused.ToProto().Link, reused.ToProto().FloorMax));
    }

    [Fact]
    public void A_piped_spec_is_fitted_and_backtested_and_bound_parameters_override_it()
    {
        using var host = server.Connect();
        host.RunClean(Zoo);
        var output = host.RunClean("""
            $spec = New-ObsFitSpec -Target downstream -Split TopFraction -SplitColumn flops -SplitFraction 0.2 -ReferenceFamily family-01 -Interval Parametric
            $law = $spec | Invoke-ObsFit -Dataset spec-zoo -Name piped -Force
            $rows = $spec | Invoke-ObsBacktest -Dataset spec-zoo -Compare PC2, LogFlops
            $over = Invoke-ObsBacktest -Dataset spec-zoo -Spec $spec -SplitThreshold 30 -Compare LogFlops
            $law; $rows; $over
            """);
        var law = ModuleHost.Base<ObsLaw>(output[0]);
        Assert.Equal((V1.SplitKind.TopFraction, 0.2, V1.IntervalMethod.Parametric), (law.Spec.Split.Kind, law.Spec.Split.Fraction, law.Spec.Intervals.Method));
        var rows = output.Skip(1).Select(ModuleHost.Base<ObsBacktestRow>).ToArray();
        Assert.Equal(3, rows.Length);
        Assert.All(rows.Take(2), r => Assert.Equal((int?)law.TestCount, r.TestCount));
        Assert.All(rows.Take(2), r => Assert.NotNull(r.Coverage));

        // The override replaced the spec's split (TopFraction) with a cutoff at 30.
        var models = host.RunClean("Get-ObsModel spec-zoo").Select(ModuleHost.Base<ObsModel>).ToArray();
        Assert.Equal(models.Count(m => m.FlopsE21 is <= 30 && m.Scores.ContainsKey("downstream")), rows[2].TrainCount!.Value);

        // A stored law's spec backtests the same folds as the law.
        var fromLaw = host.RunClean("$law.FitSpec | Invoke-ObsBacktest -Dataset spec-zoo -Compare LogFlops").Select(ModuleHost.Base<ObsBacktestRow>).Single();
        Assert.Equal(rows[1].TestMse!.Value, fromLaw.TestMse!.Value, 12);
    }

    [Fact]
    public void The_three_cmdlets_declare_the_spec_parameters_with_one_type_each_and_module_enums_without_Unspecified()
    {
        var reference = typeof(NewObsFitSpec).GetProperties().Where(p => p.GetCustomAttributes<ParameterAttribute>().Any()).ToDictionary(p => p.Name, p => p.PropertyType);
        Assert.Equal(ObsFitSpec.ParameterNames.Append("Spec").Order(StringComparer.Ordinal), reference.Keys.Order(StringComparer.Ordinal));
        foreach (var cmdlet in new[] { typeof(InvokeObsFit), typeof(InvokeObsBacktest), typeof(CompareObsTechnique) })
        {
            foreach (var p in cmdlet.GetProperties().Where(p => reference.ContainsKey(p.Name) && p.GetCustomAttributes<ParameterAttribute>().Any()))
            {
                Assert.Equal(reference[p.Name], p.PropertyType);
            }
        }

        Assert.All(ObsFitSpec.ParameterNames, n => Assert.NotNull(typeof(InvokeObsFit).GetProperty(n)));
        Assert.All(ObsFitSpec.ParameterNames, n => Assert.NotNull(typeof(InvokeObsBacktest).GetProperty(n)));
        foreach (var e in reference.Values.Where(t => t.IsEnum))
        {
            Assert.Equal("ObsScaling.PowerShell.Model", e.Namespace);
            Assert.DoesNotContain("Unspecified", Enum.GetNames(e));
        }
    }

    [Fact]
    public void Compare_ObsTechnique_refuses_spec_settings_it_cannot_use_and_Parametric_intervals()
    {
        using var host = server.Connect();
        host.RunClean(Zoo);
        Assert.Empty(host.Run("New-ObsFitSpec -Target downstream -Link Linear | Compare-ObsTechnique spec-zoo -Baseline bench-1 -Technique bench-2"));
        Assert.Equal(["Target", "Link"], host.Errors.Select(e => Assert.IsType<ArgumentException>(e.Exception).ParamName));

        host.Run("Compare-ObsTechnique spec-zoo -Baseline bench-1 -Technique bench-2 -ReferenceFamily family-01 -Interval Parametric");
        var error = Assert.Single(host.Errors);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains("-Interval = 'parametric'", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HoldoutSplitKind.Top)]
    [InlineData(HoldoutSplitKind.CutoffRatio)]
    [InlineData(HoldoutSplitKind.Random)]
    [InlineData(HoldoutSplitKind.Explicit)]
    [InlineData(HoldoutSplitKind.TopFraction)]
    [InlineData(HoldoutSplitKind.Cutoff)]
    public void The_paper_backtest_spec_keeps_every_setting_and_split_kind(HoldoutSplitKind kind)
    {
        var split = kind switch
        {
            HoldoutSplitKind.Top => HoldoutSplit.Top("MMLU", 7),
            HoldoutSplitKind.CutoffRatio => HoldoutSplit.CutoffRatio("MMLU", 0.6),
            HoldoutSplitKind.Random => HoldoutSplit.RandomCount(9, 5),
            HoldoutSplitKind.Explicit => HoldoutSplit.Explicit(["m1", "m2"]),
            HoldoutSplitKind.TopFraction => HoldoutSplit.TopFraction("MMLU", 0.1),
            _ => HoldoutSplit.Cutoff("FLOPs (1E21)", 12),
        };
        var o = new HoldoutOptions
        {
            Target = "t",
            CapabilityMetrics = ["a", "b", "c"],
            Split = split,
            Predictors = PredictorSet.Metrics("a", "b"),
            Pca = new Core.Capability.PcaOptions { Components = 2 },
            Imputation = new Core.Imputation.PcaImputationOptions { Components = 2, MaxIterations = 30 },
            Law = new ScalingLawOptions { Link = LawLink.Sigmoid, Loss = LossKind.Huber, HuberDelta = 0.3, FloorMax = 0.1 },
            ExcludeFromTrain = ["x"],
            Intervals = new Core.Uncertainty.IntervalOptions { Method = Core.Uncertainty.IntervalMethod.ModelBootstrap, Level = 0.8, Resamples = 40, Seed = 3 },
            ReferenceFamily = "Llama-2",
        };
        var spec = InvokeObsPaperBacktest.ToSpec(o);
        Assert.Equal(kind.ToString(), spec.Split.Kind.ToString());
        Assert.Equal((split.Column, split.Threshold, split.Count, split.Fraction, split.Seed), (spec.Split.Column, spec.Split.Threshold, spec.Split.Count, spec.Split.Fraction, spec.Split.Seed));
        Assert.Equal(split.TestModels, spec.Split.TestModels);
        Assert.Equal((V1.PredictorKind.Metrics, 2), (spec.Predictors.Kind, spec.Predictors.Metrics.Count));
        Assert.Equal((2, 2, 30), (spec.PcaComponents, spec.Imputation.Components, spec.Imputation.MaxIterations));
        Assert.Equal((V1.Link.Sigmoid, V1.Loss.Huber, 0.3, 0.1), (spec.Link, spec.Loss, spec.HuberDelta, spec.FloorMax));
        Assert.Equal(["x"], spec.ExcludeFromTrain);
        Assert.Equal((V1.IntervalMethod.ModelBootstrap, 0.8, 40, 3), (spec.Intervals.Method, spec.Intervals.Level, spec.Intervals.Resamples, spec.Intervals.Seed));
    }

    [SkippableFact]
    public void The_paper_agent_spec_matches_its_analysis()
    {
        PaperData.SkipIfAbsent();
        TextReader Open(string file) => File.OpenText(Path.Combine(Path.GetDirectoryName(PaperData.PathOf(PaperDatasets.BaseBenchmarkFile))!, file));
        var a = PaperAnalyses.AgentBench(Open);
        var spec = InvokeObsPaperBacktest.ToSpec(a.Options);
        Assert.Equal(a.Options.Split.Kind.ToString(), spec.Split.Kind.ToString());
        Assert.Equal(a.Options.CapabilityMetrics, spec.CapabilityMetrics);
    }
}
