using System.Globalization;
using System.Text.Json;
using ObsScaling.Core.Capability;
using ObsScaling.Core.Import;
using ObsScaling.Core.Imputation;
using ObsScaling.Core.Selection;

namespace ObsScaling.Compare;

/// <summary>Row 3: the guide notebook's V-optimal search (431,909 family combinations, Llama-2 always included, budgets 4..36).</summary>
internal static class SubsetComparison
{
    /// <summary>The C# search alone in a child process started with DOTNET_PROCESSOR_COUNT=1 (one thread).</summary>
    public const string ChildCommand = "subset-child";

    private static readonly int[] Budgets = Enumerable.Range(1, 9).Select(i => 4 * i).ToArray();

    public static int RunChild(bool quick)
    {
        using var workspace = Workspace.Create(quick);
        var (scores, families, names, options) = Setup(workspace);
        var (_, seconds) = Timing.Measure(() => SubsetSelector.Search(scores, families, names, options), warmup: 2, repetitions: quick ? 5 : 11);
        Console.WriteLine(Timing.Median(seconds).ToString("R", CultureInfo.InvariantCulture));
        return 0;
    }

    public static IEnumerable<ComparisonRow> Run(Workspace workspace, TextWriter log)
    {
        var (scores, families, names, options) = Setup(workspace);
        var budgets = Budgets;

        var (result, seconds) = Timing.Measure(() => SubsetSelector.Search(scores, families, names, options), warmup: 2, repetitions: workspace.Quick ? 5 : 11);
        var singleThread = SingleThreadMedian(workspace.Quick);

        var pc = new double[scores.GetLength(0), 3];
        for (var i = 0; i < pc.GetLength(0); i++)
        {
            for (var j = 0; j < 3; j++)
            {
                pc[i, j] = scores[i, j];
            }
        }

        var spec = new Dictionary<string, object>
        {
            ["scores"] = RawArrays.Write(workspace.ScratchFile("subset-scores.f64"), pc),
            ["families"] = families,
            ["include_family"] = "Llama-2",
            ["budgets"] = budgets,
            ["max_families"] = options.MaxFamilies,
            ["repetitions"] = 1,
            ["batched_repetitions"] = workspace.Quick ? 1 : 3,
            ["full_run_limit_seconds"] = 120.0,
            // The quick mode always times a fixed sample of the loop and extrapolates.
            ["sample_combinations"] = 50000,
        };
        if (workspace.Quick)
        {
            spec["full_run_limit_seconds"] = 0.0;
        }

        var python = workspace.Python.Run("subset", spec, workspace.Scratch, TimeSpan.FromMinutes(15));
        var r = python.Results;
        var gate = new AgreementGate();
        gate.Condition($"combinations: C# {result.Combinations}, Python {r.GetProperty("combinations").GetInt64()}", result.Combinations == r.GetProperty("combinations").GetInt64());
        var extrapolated = r.GetProperty("loop_extrapolated").GetBoolean();
        Compare(gate, "batched", result, r.GetProperty("batched"));
        if (!extrapolated)
        {
            Compare(gate, "loop", result, r.GetProperty("loop"));
        }

        Report.Checks(log, "subset", gate);
        var loopNote = extrapolated
            ? string.Create(CultureInfo.InvariantCulture, $"Python loop timed on {r.GetProperty("loop_evaluated").GetInt64():N0} combinations and extrapolated; answers checked against the batched variant")
            : "Python loop run in full";
        yield return new ComparisonRow("subset search, Python one combination at a time", Timing.Median(seconds), python.Median, gate.AllAgree,
            $"C# on {Environment.ProcessorCount} threads; {loopNote}")
        { MinimumRatio = 100, PythonExtrapolated = extrapolated };
        yield return new ComparisonRow("  same, C# on one thread", singleThread, python.Median, gate.AllAgree, "child process with DOTNET_PROCESSOR_COUNT=1")
        { PythonExtrapolated = extrapolated };
        yield return new ComparisonRow("  same, Python batched numpy (all combinations of a size at once)", Timing.Median(seconds), r.GetProperty("batched_median").GetDouble(), gate.AllAgree,
            "informative: faster than the paper's loop");
    }

    private static (double[,] Scores, string[] Families, string[] Names, SubsetSearchOptions Options) Setup(Workspace workspace)
    {
        var pool = PaperDatasets.LoadBase(workspace.Open);
        var metrics = PaperMetrics.BaseBenchmarks;
        var scores = CapabilitySpace.Fit(PcaImputer.Fit(pool.Matrix(metrics)).Imputed, metrics).Scores;
        return (scores, pool.Models.Select(m => m.Family!).ToArray(), pool.Models.Select(m => m.Name).ToArray(),
            new SubsetSearchOptions { Budgets = Budgets, IncludeFamily = "Llama-2" });
    }

    private static double SingleThreadMedian(bool quick)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var arguments = new List<string>();
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            arguments.Add(System.Reflection.Assembly.GetExecutingAssembly().Location);
        }

        arguments.Add(ChildCommand);
        if (quick)
        {
            arguments.Add("--quick");
        }

        var (code, output, error) = ChildProcess.Run(self, arguments, TimeSpan.FromMinutes(5), new Dictionary<string, string> { ["DOTNET_PROCESSOR_COUNT"] = "1" });
        return code == 0
            ? double.Parse(output.Trim(), CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"subset child exited with {code}: {error.Trim()}");
    }

    private static void Compare(AgreementGate gate, string variant, SubsetSearchResult result, JsonElement python)
    {
        var rows = python.EnumerateArray().ToArray();
        foreach (var choice in result.Choices)
        {
            var row = rows.Single(e => e.GetProperty("budget").GetInt32() == choice.Budget);
            var objective = row.GetProperty("objective");
            var pythonObjective = objective.ValueKind == JsonValueKind.Null ? double.NegativeInfinity : objective.GetDouble();
            if (choice.IsFeasible)
            {
                gate.Relative($"{variant}: objective at budget {choice.Budget}", choice.Objective, pythonObjective);
            }
            else
            {
                gate.Condition($"{variant}: budget {choice.Budget} infeasible on both sides", double.IsNegativeInfinity(pythonObjective));
            }

            var pythonFamilies = row.GetProperty("families").EnumerateArray().Select(e => e.GetString()!).Order(StringComparer.Ordinal);
            gate.Condition($"{variant}: same families at budget {choice.Budget}", choice.Families.Order(StringComparer.Ordinal).SequenceEqual(pythonFamilies));
        }
    }
}
