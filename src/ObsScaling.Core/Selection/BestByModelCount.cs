using System.Runtime.CompilerServices;

namespace ObsScaling.Core.Selection;

/// <summary>
/// The best combination seen so far for every exact model count. Keeping one winner per count (rather than
/// per budget) makes each offer O(1) and answers any set of budgets afterwards with a prefix scan.
/// </summary>
/// <remarks>
/// Candidates are ranked by a total order — objective descending, then the reference's enumeration order
/// (fewer families first, then lexicographic family indices) — so merging per-thread trackers in any order
/// gives the same result as one sequential pass.
/// </remarks>
internal sealed class BestByModelCount
{
    private readonly int _maxFamilies;
    private readonly double[] _objective;
    private readonly int[] _size;
    private readonly int[] _path;

    public BestByModelCount(int maxModelCount, int maxFamilies)
    {
        _maxFamilies = Math.Max(maxFamilies, 1);
        _objective = new double[maxModelCount + 1];
        Array.Fill(_objective, double.NegativeInfinity);
        _size = new int[maxModelCount + 1];
        _path = new int[(maxModelCount + 1) * _maxFamilies];
    }

    public int MaxModelCount => _objective.Length - 1;

    public double Objective(int count) => _objective[count];

    public ReadOnlySpan<int> Path(int count) => _path.AsSpan(count * _maxFamilies, _size[count]);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Offer(int count, double objective, ReadOnlySpan<int> path)
    {
        if (objective > _objective[count] ||
            (objective == _objective[count] && !double.IsNegativeInfinity(objective) && Precedes(path, Path(count))))
        {
            _objective[count] = objective;
            _size[count] = path.Length;
            path.CopyTo(_path.AsSpan(count * _maxFamilies));
        }
    }

    public void MergeFrom(BestByModelCount other)
    {
        for (var c = 0; c <= MaxModelCount; c++)
        {
            if (!double.IsNegativeInfinity(other._objective[c]))
            {
                Offer(c, other._objective[c], other.Path(c));
            }
        }
    }

    /// <summary>The best count in [0, <paramref name="budget"/>], or −1 when nothing feasible fits.</summary>
    public int BestCountWithin(int budget)
    {
        var best = -1;
        for (var c = 0; c <= Math.Min(budget, MaxModelCount); c++)
        {
            if (double.IsNegativeInfinity(_objective[c]))
            {
                continue;
            }

            if (best < 0 || _objective[c] > _objective[best] ||
                (_objective[c] == _objective[best] && Precedes(Path(c), Path(best))))
            {
                best = c;
            }
        }

        return best;
    }

    private static bool Precedes(ReadOnlySpan<int> a, ReadOnlySpan<int> b) =>
        a.Length != b.Length ? a.Length < b.Length : a.SequenceCompareTo(b) < 0;
}
