using MathNet.Numerics.LinearAlgebra;

namespace ObsScaling.Core.Tests.Selection;

/// <summary>
/// A deliberately naive transcription of the reference (itertools.combinations by increasing size, a fresh
/// Gram matrix and a general inverse per combination, stable sort by objective) to check the fast search against.
/// </summary>
internal static class BruteForceSubsetSearch
{
    public sealed record Candidate(string[] Families, int ModelCount, double Objective);

    public static List<Candidate> Enumerate(SyntheticPool pool, int k, int maxFamilies, string? include)
    {
        var order = pool.Families.Distinct().ToArray();
        var others = order.Where(f => f != include).ToArray();
        var maxSize = maxFamilies - (include is null ? 0 : 1);
        var all = Design(pool, k, _ => true);
        var candidates = new List<Candidate>();
        for (var size = 1; size <= maxSize; size++)
        {
            foreach (var combo in Combinations(others, size))
            {
                var set = include is null ? combo : [.. combo, include];
                candidates.Add(Evaluate(pool, k, all, set));
            }
        }

        return candidates;
    }

    public static Candidate Evaluate(SyntheticPool pool, int k, string[] set) =>
        Evaluate(pool, k, Design(pool, k, _ => true), set);

    /// <summary>Null when every candidate within the budget is −∞.</summary>
    public static Candidate? Best(List<Candidate> candidates, int budget) =>
        candidates
            .Where(c => c.ModelCount <= budget && !double.IsNegativeInfinity(c.Objective))
            .OrderByDescending(c => c.Objective)
            .FirstOrDefault();

    private static Candidate Evaluate(SyntheticPool pool, int k, Matrix<double> all, string[] set)
    {
        var x = Design(pool, k, f => set.Contains(f));
        if (x.RowCount < k)
        {
            return new Candidate(set, x.RowCount, double.NegativeInfinity);
        }

        var objective = -(all.TransposeThisAndMultiply(all) * x.TransposeThisAndMultiply(x).Inverse()).Trace();
        return new Candidate(set, x.RowCount, objective);
    }

    private static Matrix<double> Design(SyntheticPool pool, int k, Func<string, bool> keep)
    {
        var rows = Enumerable.Range(0, pool.Families.Length).Where(i => keep(pool.Families[i])).ToArray();
        return Matrix<double>.Build.Dense(rows.Length, k, (i, j) => pool.Scores[rows[i], j]);
    }

    private static IEnumerable<string[]> Combinations(string[] items, int size, int start = 0)
    {
        if (size == 0)
        {
            yield return [];
            yield break;
        }

        for (var i = start; i <= items.Length - size; i++)
        {
            foreach (var rest in Combinations(items, size - 1, i + 1))
            {
                yield return [items[i], .. rest];
            }
        }
    }
}
