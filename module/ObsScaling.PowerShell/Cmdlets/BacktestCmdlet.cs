using System.Globalization;
using System.Management.Automation;
using ObsScaling.PowerShell.Model;
using ObsScaling.PowerShell.Session;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.PowerShell.Cmdlets;

/// <summary>The backtest modes (-Compare, -LeaveOneFamilyOut, -Sweep…), declared by Invoke-ObsBacktest and Invoke-ObsPaperBacktest.</summary>
public interface IBacktestModes
{
    /// <summary>Predictor sets compared on the same folds: PC1..PC5 (the first k PCs), LogFlops, LogParams, Irt (the item-response capability), Benchmark:&lt;metric&gt;.</summary>
    string[]? Compare { get; set; }

    /// <summary>Each family in turn is forecast by a law fitted on the others.</summary>
    SwitchParameter LeaveOneFamilyOut { get; set; }

    /// <summary>With -LeaveOneFamilyOut: only these families are forecast (default every family with the target).</summary>
    string[]? Family { get; set; }

    /// <summary>Holds out the top share of models by -SweepColumn for each -HeldOutShare, and reports the area under the error curve.</summary>
    SwitchParameter Sweep { get; set; }

    /// <summary>Shares of the models held out by -Sweep, each in (0, 1) (default 0.1, 0.2, 0.3, 0.4, 0.5).</summary>
    double[]? HeldOutShare { get; set; }

    /// <summary>The column -Sweep ranks models by: FLOPs (default), a metric, @target, or PC-k.</summary>
    string? SweepColumn { get; set; }
}

/// <summary>The paper backtest's base: the backtest mode parameters.</summary>
public abstract class BacktestCmdlet : ObsCmdlet, IBacktestModes
{
    /// <summary>Predictor sets compared on the same folds: PC1..PC5 (the first k PCs), LogFlops, LogParams, Irt (the item-response capability), Benchmark:&lt;metric&gt;.</summary>
    [Parameter]
    public string[]? Compare { get; set; }

    /// <summary>Each family in turn is forecast by a law fitted on the others.</summary>
    [Parameter]
    public SwitchParameter LeaveOneFamilyOut { get; set; }

    /// <summary>With -LeaveOneFamilyOut: only these families are forecast (default every family with the target).</summary>
    [Parameter]
    public string[]? Family { get; set; }

    /// <summary>Holds out the top share of models by -SweepColumn for each -HeldOutShare, and reports the area under the error curve.</summary>
    [Parameter]
    public SwitchParameter Sweep { get; set; }

    /// <summary>Shares of the models held out by -Sweep, each in (0, 1) (default 0.1, 0.2, 0.3, 0.4, 0.5).</summary>
    [Parameter]
    public double[]? HeldOutShare { get; set; }

    /// <summary>The column -Sweep ranks models by: FLOPs (default), a metric, @target, or PC-k.</summary>
    [Parameter]
    public string? SweepColumn { get; set; }
}

/// <summary>What the backtest cmdlets share: predictor sets by name, the mode switches, and the streamed call.</summary>
internal static class BacktestRuns
{
    private static readonly ProgressStream<V1.BacktestEvent, V1.BacktestResult> BacktestStream = new(3, e => e.Progress, e => e.Result);

    /// <summary>Parses -Compare names into predictor sets; false (after an error record) on an unknown name.</summary>
    internal static bool TryPredictorSets(this IBacktestModes m, Cmdlet cmdlet, out V1.Predictors[] sets)
    {
        var parsed = new List<V1.Predictors>();
        foreach (var name in m.Compare ?? [])
        {
            var p = Parse(name);
            if (p is null)
            {
                cmdlet.WriteError(new ErrorRecord(
                    new ArgumentException($"Cannot compare '{name}': -Compare takes PC1..PC5, LogFlops, LogParams, Irt or Benchmark:<metric>."),
                    "ObsUnknownPredictorSet",
                    ErrorCategory.InvalidArgument,
                    name));
                sets = [];
                return false;
            }

            parsed.Add(p);
        }

        sets = [.. parsed];
        return true;
    }

    internal static bool TryMode(this IBacktestModes m, Cmdlet cmdlet, out V1.BacktestMode mode)
    {
        mode = V1.BacktestMode.Holdout;
        if (m.LeaveOneFamilyOut && m.Sweep)
        {
            cmdlet.WriteError(new ErrorRecord(new ArgumentException("Choose -LeaveOneFamilyOut or -Sweep, not both."), "ObsBacktestModeConflict", ErrorCategory.InvalidArgument, null));
            return false;
        }

        mode = m.LeaveOneFamilyOut ? V1.BacktestMode.LeaveOneFamilyOut : m.Sweep ? V1.BacktestMode.CutoffSweep : V1.BacktestMode.Holdout;
        return true;
    }

    internal static V1.BacktestRequest Request(this IBacktestModes m, string dataset, V1.FitSpec spec, V1.BacktestMode mode, IEnumerable<V1.Predictors> sets)
    {
        var request = new V1.BacktestRequest { Dataset = Names.Dataset(dataset), Spec = spec, Mode = mode };
        request.Compare.AddRange(sets);
        if (mode == V1.BacktestMode.LeaveOneFamilyOut && m.Family is { Length: > 0 })
        {
            request.LeaveOneFamilyOut = new V1.LeaveOneFamilyOutSettings { Families = { m.Family } };
        }

        if (mode == V1.BacktestMode.CutoffSweep && (m.HeldOutShare is not null || m.SweepColumn is not null))
        {
            // Only an explicit -HeldOutShare @() is an empty sweep; a column alone keeps the default grid.
            request.Sweep = new V1.CutoffSweepSettings { Column = m.SweepColumn ?? "" };
            request.Sweep.HeldOutShares.AddRange(m.HeldOutShare ?? [0.1, 0.2, 0.3, 0.4, 0.5]);
        }

        return request;
    }

    /// <summary>Runs the streamed backtest and writes its rows; false when the service rejected it.</summary>
    internal static bool RunBacktest(this ObsCmdlet cmdlet, V1.BacktestRequest request, string dataset, string analysis = "")
    {
        ArgumentNullException.ThrowIfNull(request);
        var activity = $"Backtesting {request.Spec.Target} on {dataset}";
        return cmdlet.TryCall(
            () =>
            {
                var result = cmdlet.Read(BacktestStream, cmdlet.Client.Backtest(request, cmdlet.Call()), activity);
                cmdlet.WriteObject(result.Rows.Select(r => ToRow(r, result.Mode, dataset, request.Spec.Target, analysis)), enumerateCollection: true);
            },
            dataset);
    }

    private static V1.Predictors? Parse(string name)
    {
        var n = name.Trim();
        if (n.StartsWith("Benchmark:", StringComparison.OrdinalIgnoreCase) && n.Length > "Benchmark:".Length)
        {
            return new V1.Predictors { Kind = V1.PredictorKind.Metrics, Metrics = { n["Benchmark:".Length..] } };
        }

        var compact = n.Replace("-", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        if (compact.StartsWith("PC", StringComparison.Ordinal) && int.TryParse(compact.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var k) && k >= 1)
        {
            return new V1.Predictors { Kind = V1.PredictorKind.PrincipalComponents, Components = k };
        }

        return compact switch
        {
            "LOGFLOPS" or "LNFLOPS" or "FLOPS" => new V1.Predictors { Kind = V1.PredictorKind.LogFlops },
            "LOGPARAMS" or "LNPARAMS" or "PARAMS" or "LOGPARAMETERS" => new V1.Predictors { Kind = V1.PredictorKind.LogParameters },
            "IRT" or "IRTCAPABILITY" => new V1.Predictors { Kind = V1.PredictorKind.IrtCapability },
            _ => null,
        };
    }

    private static ObsBacktestRow ToRow(V1.BacktestRow r, V1.BacktestMode mode, string dataset, string target, string analysis) => new()
    {
        Dataset = dataset,
        Target = target,
        Analysis = analysis,
        Mode = mode switch
        {
            V1.BacktestMode.LeaveOneFamilyOut => "LeaveOneFamilyOut",
            V1.BacktestMode.CutoffSweep => "CutoffSweep",
            _ => "Holdout",
        },
        Predictors = r.Predictors,
        TrainMse = Measured(r.Unavailable, r.TrainMse),
        TestMse = Measured(r.Unavailable, r.TestMse),
        TrainCount = Measured(r.Unavailable, r.TrainCount),
        TestCount = Measured(r.Unavailable, r.TestCount),
        Best = r.Best,
        Coverage = r.Coverage?.Share,
        CoverageInside = r.Coverage?.Inside ?? 0,
        CoverageCount = r.Coverage?.Count ?? 0,
        CoverageLevel = r.Coverage?.Level,
        AreaUnderError = r.HasAreaUnderError ? r.AreaUnderError : null,
        Families = r.Families.Select(f => new ObsFamilyError
        {
            Predictors = r.Predictors,
            Family = f.Family,
            TrainCount = Measured(f.Unavailable, f.TrainCount),
            TestCount = Measured(f.Unavailable, f.TestCount),
            TrainMse = Measured(f.Unavailable, f.TrainMse),
            TestMse = Measured(f.Unavailable, f.TestMse),
            Coverage = f.Coverage?.Share,
            Unavailable = f.Unavailable,
        }).ToArray(),
        Sweep = r.Sweep.Select(p => new ObsSweepPoint
        {
            Predictors = r.Predictors,
            HeldOutShare = p.HeldOutShare,
            TrainCount = Measured(p.Unavailable, p.TrainCount),
            TestCount = Measured(p.Unavailable, p.TestCount),
            TrainMse = Measured(p.Unavailable, p.TrainMse),
            TestMse = Measured(p.Unavailable, p.TestMse),
            Coverage = p.Coverage?.Share,
            Unavailable = p.Unavailable,
        }).ToArray(),
        Formula = r.Law?.Formula ?? "",
        Unavailable = r.Unavailable,
    };

    // The contract sends zeros for a row it could not evaluate; shown as numbers they read as a perfect fit.
    private static T? Measured<T>(string unavailable, T value)
        where T : struct => string.IsNullOrEmpty(unavailable) ? value : null;
}
