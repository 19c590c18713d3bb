using CsCheck;
using ObsScaling.Core.Selection;

namespace ObsScaling.Core.Tests.Selection;

public class SubsetSelectorPropertyTests
{
    private static readonly Gen<(int Seed, int Families, int K, bool Include, int MaxFamilies)> Pools =
        Gen.Select(Gen.Int[0, 1_000_000], Gen.Int[1, 8], Gen.Int[1, 4], Gen.Bool, Gen.Int[1, 9]);

    [Fact]
    public void Fast_search_agrees_with_brute_force_on_random_pools()
    {
        Pools.Sample((seed, familyCount, k, useInclude, maxFamilies) =>
        {
            var rng = new Random(seed);
            var sizes = Enumerable.Range(0, familyCount).Select(_ => rng.Next(1, 5)).ToArray();
            var pool = SyntheticPool.Create(rng, sizes, k + rng.Next(0, 2));
            if (pool.Families.Length < k)
            {
                return;
            }

            var include = useInclude ? $"F{rng.Next(familyCount):00}" : null;
            var budgets = Enumerable.Range(0, rng.Next(1, 5)).Select(_ => rng.Next(1, pool.Families.Length + 3)).ToArray();
            var options = new SubsetSearchOptions { Budgets = budgets, MaxFamilies = maxFamilies, IncludeFamily = include, Components = k };

            var result = SubsetSelector.Search(pool.Scores, pool.Families, pool.Models, options);
            var candidates = BruteForceSubsetSearch.Enumerate(pool, k, maxFamilies, include);

            Assert.Equal(candidates.Count, result.Combinations);
            Assert.Equal(budgets.Length, result.Choices.Count);
            for (var b = 0; b < budgets.Length; b++)
            {
                var choice = result.Choices[b];
                var expected = BruteForceSubsetSearch.Best(candidates, budgets[b]);
                Assert.Equal(budgets[b], choice.Budget);
                if (expected is null)
                {
                    Assert.False(choice.IsFeasible);
                    Assert.Empty(choice.Families);
                    Assert.Empty(choice.Models);
                    continue;
                }

                AssertClose(expected.Objective, choice.Objective);

                // Near-ties may resolve differently under rounding, so check the chosen set on its own merits.
                var recomputed = BruteForceSubsetSearch.Evaluate(pool, k, [.. choice.Families]);
                AssertClose(expected.Objective, recomputed.Objective);
                Assert.Equal(recomputed.ModelCount, choice.Models.Count);
                Assert.True(choice.Models.Count <= budgets[b]);
                Assert.All(choice.Models, m => Assert.Contains(m[..3], choice.Families));
                if (include is not null)
                {
                    Assert.Contains(include, choice.Families);
                }
            }
        }, iter: 300);
    }

    [Fact]
    public void Parallel_search_agrees_with_brute_force()
    {
        // 63,003 combinations: large enough for the parallel path.
        var rng = new Random(2024);
        var pool = SyntheticPool.Create(rng, Enumerable.Range(0, 18).Select(_ => rng.Next(1, 5)).ToArray(), 3);
        var options = new SubsetSearchOptions { Budgets = [5, 10, 20, 40], MaxFamilies = 7 };

        var result = SubsetSelector.Search(pool.Scores, pool.Families, pool.Models, options);
        var candidates = BruteForceSubsetSearch.Enumerate(pool, 3, 7, null);

        Assert.Equal(63_003, result.Combinations);
        Assert.Equal(candidates.Count, result.Combinations);
        for (var b = 0; b < options.Budgets.Count; b++)
        {
            var expected = BruteForceSubsetSearch.Best(candidates, options.Budgets[b]);
            Assert.NotNull(expected);
            AssertClose(expected.Objective, result.Choices[b].Objective);
            Assert.Equal(expected.Families.Order(StringComparer.Ordinal), result.Choices[b].Families);
        }
    }

    private static void AssertClose(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-9 * Math.Abs(expected), $"expected {expected:R}, got {actual:R}");
}
