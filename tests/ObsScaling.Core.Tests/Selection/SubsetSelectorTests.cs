using System.Diagnostics;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Selection;
using Xunit.Abstractions;

namespace ObsScaling.Core.Tests.Selection;

public class SubsetSelectorTests(ITestOutputHelper output)
{
    private static readonly int[] GuideBudgets = [4, 8, 12, 16, 20, 24, 28, 32, 36];

    [Fact]
    public void Guide_search_counts_431909_combinations_and_is_fast()
    {
        var pool = SyntheticPool.GuideShaped();
        var options = new SubsetSearchOptions { Budgets = GuideBudgets, IncludeFamily = "F00" };

        SubsetSelector.Search(pool.Scores, pool.Families, pool.Models, options);
        var watch = Stopwatch.StartNew();
        var result = SubsetSelector.Search(pool.Scores, pool.Families, pool.Models, options);
        watch.Stop();
        output.WriteLine($"431,909-combination search: {watch.Elapsed.TotalMilliseconds:F1} ms");

        Assert.Equal(431_909, result.Combinations);
        Assert.All(result.Choices, c => Assert.True(c.IsFeasible));
        Assert.All(result.Choices, c => Assert.Equal("F00", c.Families[0]));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed}");
    }

    [Theory]
    [InlineData(14, 10, false, 15_913)]
    [InlineData(21, 10, true, 431_909)]
    [InlineData(5, 10, false, 31)]
    [InlineData(5, 3, true, 10)]
    [InlineData(5, 1, false, 5)]
    [InlineData(5, 1, true, 0)]
    public void Combinations_match_binomial_sums(int families, int maxFamilies, bool include, long expected)
    {
        var pool = SyntheticPool.Create(new Random(families), Enumerable.Repeat(3, families).ToArray(), 3);
        var options = new SubsetSearchOptions { Budgets = [1000], MaxFamilies = maxFamilies, IncludeFamily = include ? "F00" : null };

        var unpruned = SubsetSelector.Search(pool.Scores, pool.Families, pool.Models, options);
        var pruned = SubsetSelector.Search(pool.Scores, pool.Families, pool.Models, options with { Budgets = [7] });

        Assert.Equal(expected, unpruned.Combinations);
        Assert.Equal(expected, pruned.Combinations);
    }

    [Fact]
    public void Objective_is_invariant_to_flipping_the_sign_of_a_component()
    {
        var pool = SyntheticPool.Create(new Random(7), [3, 2, 4, 1, 2, 3, 2], 3);
        var options = new SubsetSearchOptions { Budgets = [3, 5, 8, 12], MaxFamilies = 4 };
        var baseline = SubsetSelector.Search(pool.Scores, pool.Families, pool.Models, options);

        for (var column = 0; column < 3; column++)
        {
            var flipped = (double[,])pool.Scores.Clone();
            for (var i = 0; i < flipped.GetLength(0); i++)
            {
                flipped[i, column] = -flipped[i, column];
            }

            var result = SubsetSelector.Search(flipped, pool.Families, pool.Models, options);
            for (var b = 0; b < options.Budgets.Count; b++)
            {
                Assert.Equal(baseline.Choices[b].Objective, result.Choices[b].Objective, 1e-12 * Math.Abs(baseline.Choices[b].Objective));
                Assert.Equal(baseline.Choices[b].Families, result.Choices[b].Families);
            }
        }
    }

    [Fact]
    public void A_budget_below_the_number_of_components_is_infeasible()
    {
        var pool = SyntheticPool.Create(new Random(3), [1, 1, 2, 3], 3);
        var options = new SubsetSearchOptions { Budgets = [2, 1, 3] };

        var result = SubsetSelector.Search(pool.Scores, pool.Families, pool.Models, options);

        Assert.All(result.Choices.Take(2), c =>
        {
            Assert.False(c.IsFeasible);
            Assert.Equal(double.NegativeInfinity, c.Objective);
            Assert.Empty(c.Families);
            Assert.Empty(c.Models);
        });
        Assert.Equal([2, 1], result.Choices.Take(2).Select(c => c.Budget));
        Assert.True(result.Choices[2].IsFeasible);
        Assert.True(result.Choices[2].Models.Count <= 3);
    }

    [Fact]
    public void Singular_subsets_are_skipped_and_reported_infeasible_when_nothing_else_fits()
    {
        // F00 is one model three times over: enough rows, rank 1.
        var scores = new double[,] { { 1, 2, 3 }, { 1, 2, 3 }, { 1, 2, 3 }, { 0.5, -1, 0.2 }, { -0.3, 0.4, 2 } };
        string[] families = ["F00", "F00", "F00", "F01", "F01"];
        string[] models = ["a", "b", "c", "d", "e"];
        var options = new SubsetSearchOptions { Budgets = [3, 4, 5] };

        var result = SubsetSelector.Search(scores, families, models, options);

        Assert.False(result.Choices[0].IsFeasible);
        Assert.False(result.Choices[1].IsFeasible);
        Assert.True(result.Choices[2].IsFeasible);
        Assert.Equal(["F00", "F01"], result.Choices[2].Families);
        Assert.Equal(models, result.Choices[2].Models);
        Assert.Equal(-3.0, result.Choices[2].Objective, 1e-9);
    }

    [Fact]
    public void A_singular_pool_is_a_precondition_failure()
    {
        var scores = new double[,] { { 1, 2, 0 }, { 3, 1, 0 }, { 0, 1, 0 }, { 2, 2, 0 } };
        string[] families = ["A", "A", "B", "C"];

        var ex = Assert.Throws<ObsPreconditionException>(() =>
            SubsetSelector.Search(scores, families, ["a", "b", "c", "d"], new SubsetSearchOptions { Budgets = [4] }));

        Assert.Equal("scores", Assert.Single(ex.Violations).Field);
        Assert.Contains("singular matrix", ex.Violations[0].Description, StringComparison.Ordinal);
    }

    [Fact]
    public void The_included_family_is_never_chosen_alone()
    {
        var pool = SyntheticPool.Create(new Random(5), [4, 2, 3], 3);
        var options = new SubsetSearchOptions { Budgets = [4, 6], IncludeFamily = "F00" };

        var result = SubsetSelector.Search(pool.Scores, pool.Families, pool.Models, options);

        Assert.False(result.Choices[0].IsFeasible);
        Assert.Equal(["F00", "F01"], result.Choices[1].Families);
    }

    [Fact]
    public void Ties_go_to_the_family_that_appears_first()
    {
        var rows = new double[,] { { 1, 0.2, -0.5 }, { 0.3, 1, 0.1 }, { -0.2, 0.4, 1 } };
        var scores = new double[6, 3];
        for (var i = 0; i < 6; i++)
        {
            for (var j = 0; j < 3; j++)
            {
                scores[i, j] = rows[i % 3, j];
            }
        }

        string[] models = ["a1", "a2", "a3", "b1", "b2", "b3"];
        var options = new SubsetSearchOptions { Budgets = [3] };

        var ab = SubsetSelector.Search(scores, ["A", "A", "A", "B", "B", "B"], models, options);
        var ba = SubsetSelector.Search(scores, ["B", "B", "B", "A", "A", "A"], models, options);

        Assert.Equal(["A"], ab.Choices[0].Families);
        Assert.Equal(["B"], ba.Choices[0].Families);
        Assert.Equal(-2.0 * 3, ab.Choices[0].Objective, 1e-9);
    }

    [Fact]
    public void Results_do_not_depend_on_parallel_scheduling()
    {
        var pool = SyntheticPool.GuideShaped(seed: 11);
        var options = new SubsetSearchOptions { Budgets = GuideBudgets, IncludeFamily = "F03" };

        var first = SubsetSelector.Search(pool.Scores, pool.Families, pool.Models, options);
        for (var run = 0; run < 3; run++)
        {
            var again = SubsetSelector.Search(pool.Scores, pool.Families, pool.Models, options);
            for (var b = 0; b < GuideBudgets.Length; b++)
            {
                Assert.Equal(first.Choices[b].Objective, again.Choices[b].Objective);
                Assert.Equal(first.Choices[b].Families, again.Choices[b].Families);
            }
        }
    }

    [Fact]
    public void Progress_is_monotonic_and_ends_complete()
    {
        var pool = SyntheticPool.GuideShaped();
        var reports = new List<SubsetSearchProgress>();
        var progress = new SynchronousProgress(p =>
        {
            lock (reports)
            {
                reports.Add(p);
            }
        });

        SubsetSelector.Search(pool.Scores, pool.Families, pool.Models, new SubsetSearchOptions { Budgets = [1000], IncludeFamily = "F00" }, progress);

        Assert.True(reports.Count >= 10, $"{reports.Count} reports");
        Assert.True(reports.Zip(reports.Skip(1)).All(pair => pair.First.Done < pair.Second.Done));
        Assert.Equal(1.0, reports[^1].Fraction);
        Assert.All(reports, r => Assert.Equal(431_909, r.Total));
    }

    [Fact]
    public void A_cancelled_token_stops_the_search()
    {
        var pool = SyntheticPool.GuideShaped();
        var options = new SubsetSearchOptions { Budgets = [1000], IncludeFamily = "F00" };
        using var before = new CancellationTokenSource();
        before.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() =>
            SubsetSelector.Search(pool.Scores, pool.Families, pool.Models, options, cancellationToken: before.Token));

        using var during = new CancellationTokenSource();
        var reportsAfterCancel = 0;
        var progress = new SynchronousProgress(_ =>
        {
            if (during.IsCancellationRequested)
            {
                Interlocked.Increment(ref reportsAfterCancel);
            }

            during.Cancel();
        });
        Assert.ThrowsAny<OperationCanceledException>(() =>
            SubsetSelector.Search(pool.Scores, pool.Families, pool.Models, options, progress, during.Token));
        Assert.True(reportsAfterCancel <= 2, $"{reportsAfterCancel} reports after cancelling");
    }

    [Fact]
    public void Every_invalid_input_is_reported_with_its_field()
    {
        var scores = new double[,] { { 1, double.NaN }, { double.PositiveInfinity, 0 }, { 1, 1 } };
        var options = new SubsetSearchOptions { Budgets = [4, 0, -1], MaxFamilies = 0, Components = 3, IncludeFamily = "Nope" };

        var ex = Assert.Throws<ObsValidationException>(() => SubsetSelector.Search(scores, ["A", "B"], ["a"], options));

        Assert.Equal(
            ["families", "model_names", "scores[0][1]", "scores[1][0]", "options.budgets[1]", "options.budgets[2]", "options.components", "options.max_families", "options.include_family"],
            ex.Violations.Select(v => v.Field));
        Assert.Contains(ex.Violations, v => v.Field == "options.include_family" && v.Value == "Nope");
        Assert.Contains(ex.Violations, v => v.Field == "scores[0][1]" && v.Value == "NaN");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Components_below_one_are_rejected(int components)
    {
        var pool = SyntheticPool.Create(new Random(1), [2, 2], 3);
        var ex = Assert.Throws<ObsValidationException>(() =>
            SubsetSelector.Search(pool.Scores, pool.Families, pool.Models, new SubsetSearchOptions { Budgets = [3], Components = components }));
        Assert.Equal("options.components", Assert.Single(ex.Violations).Field);
    }

    [Fact]
    public void An_empty_budget_list_is_rejected()
    {
        var pool = SyntheticPool.Create(new Random(1), [2, 2], 3);
        var ex = Assert.Throws<ObsValidationException>(() =>
            SubsetSelector.Search(pool.Scores, pool.Families, pool.Models, new SubsetSearchOptions { Budgets = [] }));
        Assert.Equal("options.budgets", Assert.Single(ex.Violations).Field);
    }

    [Fact]
    public void An_exhaustive_search_space_above_1e8_combinations_is_refused_and_auto_goes_greedy()
    {
        var pool = SyntheticPool.Create(new Random(1), Enumerable.Repeat(1, 60).ToArray(), 3);
        var ex = Assert.Throws<ObsValidationException>(() =>
            SubsetSelector.Search(pool.Scores, pool.Families, pool.Models, new SubsetSearchOptions { Budgets = [10], Method = SubsetSearchMethod.Exhaustive }));
        var violation = Assert.Single(ex.Violations);
        Assert.Equal("options.max_families", violation.Field);
        Assert.Contains("too large", violation.Description, StringComparison.Ordinal);

        var auto = SubsetSelector.Search(pool.Scores, pool.Families, pool.Models, new SubsetSearchOptions { Budgets = [10] });
        Assert.Equal(SubsetSearchMethod.GreedyExchange, auto.Method);
        Assert.True(auto.Choices[0].IsFeasible);
    }

    /// <summary>Unlike <see cref="Progress{T}"/>, reports on the calling thread, so assertions see every report before the search returns.</summary>
    private sealed class SynchronousProgress(Action<SubsetSearchProgress> report) : IProgress<SubsetSearchProgress>
    {
        public void Report(SubsetSearchProgress value) => report(value);
    }
}
