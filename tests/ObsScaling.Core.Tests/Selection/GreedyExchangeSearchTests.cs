using System.Diagnostics;
using System.Globalization;
using CsCheck;
using ObsScaling.Core.Capability;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Holdout;
using ObsScaling.Core.Import;
using ObsScaling.Core.Imputation;
using ObsScaling.Core.Selection;
using ObsScaling.Core.Tests.Support;
using Xunit.Abstractions;

namespace ObsScaling.Core.Tests.Selection;

/// <summary>Greedy search with exchanges against the exhaustive optimum, on the paper's pools and on random ones.</summary>
public class GreedyExchangeSearchTests(ITestOutputHelper output)
{
    private static readonly int[] PaperBudgets = Enumerable.Range(1, 9).Select(i => 4 * i).ToArray();

    [SkippableFact]
    public void Guide_setting_greedy_is_within_one_percent_of_the_exhaustive_optimum()
    {
        PaperData.SkipIfAbsent();
        var pool = PaperData.DefaultBase();
        var (exhaustive, greedy) = Both(pool, "Llama-2", Enumerable.Range(1, 40).ToArray());
        Assert.Equal(431_909, exhaustive.Combinations);
        AssertWithinOnePercent(exhaustive, greedy, "guide");
    }

    [SkippableFact]
    public void Evaluation_setting_greedy_is_within_one_percent_of_the_exhaustive_optimum()
    {
        PaperData.SkipIfAbsent();
        var all = PaperData.DefaultBase();
        var split = HoldoutSplit.Default.Assign(all.Models.Select(m => m.Name).ToArray(), all.Column(ModelColumns.FlopsE21));
        var pool = all.Select(split.Train).Where(m => PaperMetrics.BaseBenchmarks.All(b => !double.IsNaN(m.Score(b))));
        var (exhaustive, greedy) = Both(pool, null, Enumerable.Range(1, 40).ToArray());
        Assert.Equal(15_913, exhaustive.Combinations);
        AssertWithinOnePercent(exhaustive, greedy, "eval");
    }

    [SkippableFact]
    public void Full_file_pool_of_47_families_is_searched_greedily_up_to_40_models()
    {
        PaperData.SkipIfAbsent();
        var pool = PaperDatasets.LoadBase(PaperData.Open, onlyEvalFamilies: false, includePreregistered: true);
        var (scores, families, names) = Scores(pool);
        Assert.Equal(47, families.Distinct().Count());
        var budgets = Enumerable.Range(1, 10).Select(i => 4 * i).ToArray();
        var options = new SubsetSearchOptions { Budgets = budgets, MaxFamilies = 47, IncludeFamily = "Llama-2" };

        // Auto refuses to enumerate Σ C(46, ≤46) ≈ 7e13 combinations and goes greedy.
        var watch = Stopwatch.StartNew();
        var greedy = SubsetSelector.Search(scores, families, names, options);
        watch.Stop();
        Assert.Equal(SubsetSearchMethod.GreedyExchange, greedy.Method);

        // A lower bound the greedy search must reach: the exhaustive optimum over subsets of at most 4 families
        // (a sub-space of what greedy searches; 16,261 combinations).
        var small = SubsetSelector.Search(scores, families, names, options with { MaxFamilies = 4, Method = SubsetSearchMethod.Exhaustive });
        output.WriteLine($"full file: {pool.Count} models, 47 families, greedy+exchange {watch.Elapsed.TotalSeconds:F2} s, {greedy.Evaluations:N0} evaluations vs {greedy.Combinations:E2} combinations");
        for (var b = 0; b < budgets.Length; b++)
        {
            var c = greedy.Choices[b];
            Assert.True(c.IsFeasible);
            Assert.True(c.Models.Count <= budgets[b]);
            Assert.Contains("Llama-2", c.Families);
            Assert.True(c.Objective >= small.Choices[b].Objective - (1e-9 * Math.Abs(small.Choices[b].Objective)), $"budget {budgets[b]}: {c.Objective} < {small.Choices[b].Objective} (≤ 4 families)");
            if (b > 0)
            {
                Assert.True(c.Objective >= greedy.Choices[b - 1].Objective - 1e-9, "a larger budget never scores worse");
            }

            var cost = SubsetCost.Of(pool, c.Models);
            Assert.Equal(c.Models.Count, cost.Models);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"budget {budgets[b],2}: objective {c.Objective,10:F4} ({small.Choices[b].Objective,10:F4} best of ≤4 families), {c.Models.Count}/{cost.PoolModels} models, params {cost.ParametersB:F1}/{cost.PoolParametersB:F1} B, FLOPs {cost.FlopsE21:F0}/{cost.PoolFlopsE21:F0} e21, {string.Join(", ", c.Families)}"));
        }
    }

    [Fact]
    public void Greedy_is_never_better_than_exhaustive_and_within_one_percent_on_random_pools()
    {
        var worst = 0.0;
        var worstCase = "";
        Gen.Select(Gen.Int[0, 1_000_000], Gen.Int[4, 12], Gen.Int[1, 4], Gen.Bool).Sample((seed, familyCount, k, useInclude) =>
        {
            var rng = new Random(seed);
            var sizes = Enumerable.Range(0, familyCount).Select(_ => rng.Next(1, 6)).ToArray();
            var pool = SyntheticPool.Create(rng, sizes, k);
            var include = useInclude ? $"F{rng.Next(familyCount):00}" : null;
            var budgets = Enumerable.Range(0, 4).Select(_ => rng.Next(k, pool.Families.Length + 1)).ToArray();
            var options = new SubsetSearchOptions { Budgets = budgets, MaxFamilies = familyCount, IncludeFamily = include, Components = k };
            var exhaustive = SubsetSelector.Search(pool.Scores, pool.Families, pool.Models, options with { Method = SubsetSearchMethod.Exhaustive });
            var greedy = SubsetSelector.Search(pool.Scores, pool.Families, pool.Models, options with { Method = SubsetSearchMethod.GreedyExchange });
            for (var b = 0; b < budgets.Length; b++)
            {
                var e = exhaustive.Choices[b];
                var g = greedy.Choices[b];
                Assert.Equal(e.IsFeasible, g.IsFeasible);
                if (!e.IsFeasible)
                {
                    continue;
                }

                Assert.True(g.Objective <= e.Objective + (1e-9 * Math.Abs(e.Objective)), $"seed {seed}: greedy {g.Objective} beats exhaustive {e.Objective}");
                Assert.True(g.Models.Count <= budgets[b]);
                var gap = Gap(e.Objective, g.Objective);
                lock (output)
                {
                    if (gap > worst)
                    {
                        worst = gap;
                        worstCase = $"seed {seed}, {familyCount} families, k {k}, budget {budgets[b]}";
                    }
                }

                Assert.True(gap <= 0.01, $"seed {seed} budget {budgets[b]}: gap {gap:P3}");
            }
        }, iter: 300);
        output.WriteLine($"worst relative gap over 300 random pools × 4 budgets: {worst:P4} ({worstCase})");
    }

    [Fact]
    public void Both_methods_against_the_independent_numpy_brute_force()
    {
        var g = ObsScaling.Testing.Golden.File("subset_greedy_reference.json");
        var budgets = g.GetProperty("budgets").EnumerateArray().ToArray();
        var options = new SubsetSearchOptions
        {
            Budgets = budgets.Select(b => b.GetProperty("budget").GetInt32()).ToArray(),
            MaxFamilies = 16,
            Components = g.GetProperty("components").GetInt32(),
        };
        var scores = ObsScaling.Testing.Golden.Matrix(g, "scores");
        var families = ObsScaling.Testing.Golden.Strings(g, "families");
        var models = ObsScaling.Testing.Golden.Strings(g, "models");
        var exhaustive = SubsetSelector.Search(scores, families, models, options with { Method = SubsetSearchMethod.Exhaustive });
        var greedy = SubsetSelector.Search(scores, families, models, options with { Method = SubsetSearchMethod.GreedyExchange });
        Assert.Equal(g.GetProperty("combinations").GetInt64(), exhaustive.Combinations);
        var worst = 0.0;
        for (var b = 0; b < budgets.Length; b++)
        {
            var optimum = budgets[b].GetProperty("objective").GetDouble();
            ObsScaling.Testing.Golden.RelativeClose(optimum, exhaustive.Choices[b].Objective, 1e-9, $"exhaustive budget {options.Budgets[b]}");
            Assert.Equal(ObsScaling.Testing.Golden.Strings(budgets[b], "families"), exhaustive.Choices[b].Families.Order(StringComparer.Ordinal));
            Assert.True(greedy.Choices[b].Objective <= optimum + (1e-9 * Math.Abs(optimum)));
            var gap = Gap(optimum, greedy.Choices[b].Objective);
            worst = Math.Max(worst, gap);
            Assert.True(gap <= 0.01, $"budget {options.Budgets[b]}: gap {gap:P3}");
        }

        output.WriteLine($"numpy brute force, 16 families: worst greedy gap {worst:P4}");
    }

    [Fact]
    public void Auto_enumerates_below_the_threshold_and_goes_greedy_above_it()
    {
        var pool = SyntheticPool.GuideShaped();
        var options = new SubsetSearchOptions { Budgets = [8, 16], IncludeFamily = "F00" };
        var auto = SubsetSelector.Search(pool.Scores, pool.Families, pool.Models, options);
        Assert.Equal(SubsetSearchMethod.Exhaustive, auto.Method);
        Assert.Equal(auto.Combinations, auto.Evaluations);
        var greedy = SubsetSelector.Search(pool.Scores, pool.Families, pool.Models, options with { AutoThreshold = 1000 });
        Assert.Equal(SubsetSearchMethod.GreedyExchange, greedy.Method);
        Assert.Equal(auto.Combinations, greedy.Combinations);
        Assert.InRange(greedy.Evaluations, 1, auto.Combinations);
    }

    [Fact]
    public void Exhaustive_beyond_its_limit_is_refused_but_greedy_runs()
    {
        var rng = new Random(5);
        var pool = SyntheticPool.Create(rng, Enumerable.Range(0, 60).Select(_ => rng.Next(1, 4)).ToArray(), 3);
        var options = new SubsetSearchOptions { Budgets = [30], MaxFamilies = 30 };
        var ex = Assert.Throws<ObsValidationException>(() => SubsetSelector.Search(pool.Scores, pool.Families, pool.Models, options with { Method = SubsetSearchMethod.Exhaustive }));
        Assert.Equal("options.max_families", ex.Violations[0].Field);
        var greedy = SubsetSelector.Search(pool.Scores, pool.Families, pool.Models, options);
        Assert.True(greedy.Choices[0].IsFeasible);
    }

    [Fact]
    public void Greedy_reports_progress_and_stops_when_cancelled()
    {
        var rng = new Random(9);
        var pool = SyntheticPool.Create(rng, Enumerable.Range(0, 40).Select(_ => rng.Next(1, 4)).ToArray(), 3);
        var options = new SubsetSearchOptions { Budgets = [10, 20, 30], MaxFamilies = 40, Method = SubsetSearchMethod.GreedyExchange };
        var reports = new List<SubsetSearchProgress>();
        SubsetSelector.Search(pool.Scores, pool.Families, pool.Models, options, new Inline(p => { lock (reports) { reports.Add(p); } }));
        Assert.NotEmpty(reports);
        Assert.All(reports, r => Assert.InRange(r.Done, 1, r.Total));
        Assert.Contains(reports, r => r.Done == r.Total);

        using var cts = new CancellationTokenSource();
        var progress = new Inline(p =>
        {
            if (p.Done >= 1)
            {
                cts.Cancel();
            }
        });
        Assert.ThrowsAny<OperationCanceledException>(() => SubsetSelector.Search(pool.Scores, pool.Families, pool.Models, options, progress, cts.Token));
    }

    [Fact]
    public void Cost_counts_models_parameters_and_flops_of_subset_and_pool()
    {
        var pool = new ModelSet(
            [
                new ModelRecord("a", "A", 7, 2, null),
                new ModelRecord("b", "A", 13, 2, null),
                new ModelRecord("c", "B", null, null, null),
                new ModelRecord("d", "B", 1, 1, 5),
            ],
            []);
        var cost = SubsetCost.Of(pool, ["a", "c"]);
        Assert.Equal(2, cost.Models);
        Assert.Equal(4, cost.PoolModels);
        Assert.Equal(7, cost.ParametersB);
        Assert.Equal(21, cost.PoolParametersB);
        Assert.Equal(1, cost.UnknownParameters);
        Assert.Equal(1, cost.PoolUnknownParameters);
        Assert.Equal(6 * 7 * 2 / 1000.0 * 1000, cost.FlopsE21, 9);
        Assert.Equal(0.5, cost.ModelsSavedFraction);
        Assert.Equal(1 - (7 / 21.0), cost.ParametersSavedFraction, 12);
    }

    private (SubsetSearchResult Exhaustive, SubsetSearchResult Greedy) Both(ModelSet pool, string? include, int[] budgets)
    {
        var (scores, families, names) = Scores(pool);
        var options = new SubsetSearchOptions { Budgets = budgets, IncludeFamily = include };
        var watch = Stopwatch.StartNew();
        var exhaustive = SubsetSelector.Search(scores, families, names, options with { Method = SubsetSearchMethod.Exhaustive });
        var exhaustiveTime = watch.Elapsed;
        watch.Restart();
        var greedy = SubsetSelector.Search(scores, families, names, options with { Method = SubsetSearchMethod.GreedyExchange });
        output.WriteLine($"exhaustive {exhaustive.Combinations:N0} combinations in {exhaustiveTime.TotalSeconds:F2} s; greedy+exchange {greedy.Evaluations:N0} evaluations in {watch.Elapsed.TotalSeconds:F2} s");
        return (exhaustive, greedy);
    }

    private void AssertWithinOnePercent(SubsetSearchResult exhaustive, SubsetSearchResult greedy, string name)
    {
        var worst = 0.0;
        for (var b = 0; b < exhaustive.Choices.Count; b++)
        {
            var e = exhaustive.Choices[b];
            var g = greedy.Choices[b];
            Assert.Equal(e.IsFeasible, g.IsFeasible);
            if (!e.IsFeasible)
            {
                continue;
            }

            var gap = Gap(e.Objective, g.Objective);
            worst = Math.Max(worst, gap);
            if (gap > 0.01)
            {
                output.WriteLine($"optimum {string.Join(",", e.Families)} ({e.Models.Count}) greedy {string.Join(",", g.Families)} ({g.Models.Count})");
            }

            Assert.True(g.Objective <= e.Objective + (1e-9 * Math.Abs(e.Objective)));
            Assert.True(gap <= 0.01, $"{name} budget {e.Budget}: greedy {g.Objective} vs optimum {e.Objective} ({gap:P3})");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name} budget {e.Budget,2}: optimum {e.Objective,12:F4} greedy {g.Objective,12:F4} gap {gap:P4} {(gap == 0 ? "same" : string.Join(",", g.Families))}"));
        }

        output.WriteLine($"{name}: worst gap {worst:P4}");
    }

    /// <summary>Relative shortfall of the greedy objective (both are negative): (optimum − greedy) / |optimum|.</summary>
    private static double Gap(double optimum, double greedy) => (optimum - greedy) / Math.Abs(optimum);

    private static (double[,] Scores, string[] Families, string[] Names) Scores(ModelSet pool)
    {
        var metrics = PaperMetrics.BaseBenchmarks;
        var space = CapabilitySpace.Fit(PcaImputer.Fit(pool.Matrix(metrics)).Imputed, metrics);
        return (space.Scores, pool.Models.Select(m => m.Family!).ToArray(), pool.Models.Select(m => m.Name).ToArray());
    }

    private sealed class Inline(Action<SubsetSearchProgress> report) : IProgress<SubsetSearchProgress>
    {
        public void Report(SubsetSearchProgress value) => report(value);
    }
}
