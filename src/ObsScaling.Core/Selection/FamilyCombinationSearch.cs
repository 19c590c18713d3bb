using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace ObsScaling.Core.Selection;

/// <summary>
/// Depth-first enumeration of combinations of the optional families (sizes 1..maxDepth, each on top of a
/// fixed base — the included family or nothing), accumulating packed Gram sums and model counts per depth so
/// that a combination costs one k-vector add and one small objective evaluation, with no allocation.
/// </summary>
/// <remarks>
/// A subtree whose model count already exceeds every budget is skipped and counted in closed form: counts only
/// grow with more families, so nothing in it could be chosen.
/// </remarks>
internal sealed class FamilyCombinationSearch
{
    private const int FlushEvery = 4096;

    // Below this many combinations thread start-up costs more than it saves.
    private const long ParallelThreshold = 50_000;

    private readonly VOptimality _objective;
    private readonly int _k;
    private readonly int _packed;
    private readonly int _families;
    private readonly double[] _gram;
    private readonly int[] _counts;
    private readonly double[] _baseGram;
    private readonly int _baseCount;
    private readonly int _maxDepth;
    private readonly int _maxCount;
    private readonly long[,] _subtreeSize;
    private readonly IProgress<SubsetSearchProgress>? _progress;
    private readonly CancellationToken _cancellationToken;
    private readonly long _reportEvery;
    private readonly Lock _reportLock = new();
    private long _done;
    private long _reported;

    /// <param name="familyGrams">Packed Gram matrix of each optional family, concatenated.</param>
    /// <param name="familyCounts">Model count of each optional family (all ≥ 1).</param>
    /// <param name="maxCount">Largest model count any budget allows.</param>
    public FamilyCombinationSearch(
        VOptimality objective, int k, double[] familyGrams, int[] familyCounts, double[] baseGram, int baseCount,
        int maxDepth, int maxCount, IProgress<SubsetSearchProgress>? progress, CancellationToken cancellationToken)
    {
        _objective = objective;
        _k = k;
        _packed = VOptimality.PackedLength(k);
        _families = familyCounts.Length;
        _gram = familyGrams;
        _counts = familyCounts;
        _baseGram = baseGram;
        _baseCount = baseCount;
        _maxDepth = Math.Min(maxDepth, _families);
        _maxCount = maxCount;
        _progress = progress;
        _cancellationToken = cancellationToken;
        _subtreeSize = SubtreeSizes(_families, _maxDepth);
        Total = _maxDepth == 0 ? 0 : _subtreeSize[_families, _maxDepth] - 1;
        _reportEvery = Math.Max(10_000, Total / 1000);
    }

    public long Total { get; }

    /// <summary>Σ_{s=1..maxDepth} C(families, s), in double so that oversized searches can be refused before any overflow.</summary>
    public static double CountCombinations(int families, int maxDepth)
    {
        double total = 0, binomial = 1;
        for (var s = 1; s <= Math.Min(maxDepth, families); s++)
        {
            binomial = binomial * (families - s + 1) / s;
            total += Math.Round(binomial);
        }

        return total;
    }

    public BestByModelCount Run()
    {
        _cancellationToken.ThrowIfCancellationRequested();
        BestByModelCount best;
        if (Total == 0)
        {
            best = new BestByModelCount(_maxCount, 1);
        }
        else if (Total < ParallelThreshold || Environment.ProcessorCount == 1)
        {
            var worker = new Worker(this);
            VisitRange(worker, 0, _families, 1, _maxDepth);
            Flush(worker);
            best = worker.Best;
        }
        else
        {
            best = RunParallel();
        }

        _progress?.Report(new SubsetSearchProgress(Total, Total));
        return best;
    }

    // Work items are the first two levels of the tree: the first level alone is too lopsided (the first
    // family's subtree holds over half of all combinations).
    private BestByModelCount RunParallel()
    {
        var items = new List<(int First, int Second)>();
        for (var i = 0; i < _families; i++)
        {
            items.Add((i, -1));
            for (var j = i + 1; j < _families && _maxDepth >= 2; j++)
            {
                items.Add((i, j));
            }
        }

        var workers = new ConcurrentBag<Worker>();
        var options = new ParallelOptions { CancellationToken = _cancellationToken, MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount - 1) };
        try
        {
            Parallel.ForEach(
                Partitioner.Create(items, loadBalance: true),
                options,
                () => new Worker(this),
                (item, _, worker) =>
                {
                    RunItem(worker, item.First, item.Second);
                    return worker;
                },
                worker =>
                {
                    Flush(worker);
                    workers.Add(worker);
                });
        }
        catch (AggregateException ex) when (ex.InnerExceptions.All(e => e is OperationCanceledException))
        {
            throw new OperationCanceledException(_cancellationToken);
        }

        var best = new BestByModelCount(_maxCount, _maxDepth);
        foreach (var worker in workers)
        {
            best.MergeFrom(worker.Best);
        }

        return best;
    }

    private void RunItem(Worker w, int first, int second)
    {
        if (second < 0)
        {
            VisitRange(w, first, first + 1, 1, 1);
            return;
        }

        // Rebuild the depth-1 state for `first` without visiting it: its own item counts and scores it.
        var p = _packed;
        w.Count[1] = w.Count[0] + _counts[first];
        var parent = w.Gram.AsSpan(0, p);
        var fam = _gram.AsSpan(first * p, p);
        var g = w.Gram.AsSpan(p, p);
        for (var t = 0; t < p; t++)
        {
            g[t] = parent[t] + fam[t];
        }

        w.Path[0] = first;
        VisitRange(w, second, second + 1, 2, _maxDepth);
    }

    /// <summary>Visits combinations whose family at position <paramref name="depth"/> is in [start, end), with their extensions up to <paramref name="depthLimit"/>.</summary>
    // A search usually runs once per process, so tier-0 code would do most of the work; compile it optimised up front.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void VisitRange(Worker w, int start, int end, int depth, int depthLimit)
    {
        var p = _packed;
        for (var i = start; i < end; i++)
        {
            var count = w.Count[depth - 1] + _counts[i];
            w.Path[depth - 1] = i;
            if (count > _maxCount)
            {
                w.Pending += _subtreeSize[_families - 1 - i, depthLimit - depth];
            }
            else
            {
                w.Pending++;
                w.Count[depth] = count;
                var parent = w.Gram.AsSpan((depth - 1) * p, p);
                var fam = _gram.AsSpan(i * p, p);
                var g = w.Gram.AsSpan(depth * p, p);
                for (var t = 0; t < p; t++)
                {
                    g[t] = parent[t] + fam[t];
                }

                if (count >= _k)
                {
                    var objective = _objective.Objective(g, w.Scratch);
                    if (!double.IsNegativeInfinity(objective))
                    {
                        w.Best.Offer(count, objective, w.Path.AsSpan(0, depth));
                    }
                }

                if (depth < depthLimit)
                {
                    VisitRange(w, i + 1, _families, depth + 1, depthLimit);
                }
            }

            if (w.Pending >= FlushEvery)
            {
                Flush(w);
            }
        }
    }

    private void Flush(Worker w)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        if (w.Pending == 0)
        {
            return;
        }

        var done = Interlocked.Add(ref _done, w.Pending);
        w.Pending = 0;
        if (_progress is null || done - Volatile.Read(ref _reported) < _reportEvery || done >= Total)
        {
            return;
        }

        lock (_reportLock)
        {
            // Keeps reports monotonic when workers race to report.
            if (done - _reported >= _reportEvery)
            {
                _reported = done;
                _progress.Report(new SubsetSearchProgress(done, Total));
            }
        }
    }

    /// <summary>[r, d] = Σ_{j=0..d} C(r, j): a node with r families after it and d levels left, including itself.</summary>
    private static long[,] SubtreeSizes(int families, int maxDepth)
    {
        var binomial = new long[families + 1, maxDepth + 1];
        var sizes = new long[families + 1, maxDepth + 1];
        for (var r = 0; r <= families; r++)
        {
            binomial[r, 0] = 1;
            for (var j = 1; j <= maxDepth; j++)
            {
                binomial[r, j] = r == 0 ? 0 : binomial[r - 1, j - 1] + binomial[r - 1, j];
            }

            long running = 0;
            for (var d = 0; d <= maxDepth; d++)
            {
                running += binomial[r, d];
                sizes[r, d] = running;
            }
        }

        return sizes;
    }

    private sealed class Worker
    {
        public Worker(FamilyCombinationSearch search)
        {
            var depth = Math.Max(search._maxDepth, 1);
            Count = new int[depth + 1];
            Count[0] = search._baseCount;
            Gram = new double[(depth + 1) * search._packed];
            search._baseGram.CopyTo(Gram, 0);
            Path = new int[depth];
            Scratch = new double[search._objective.ScratchLength];
            Best = new BestByModelCount(search._maxCount, depth);
        }

        public int[] Count { get; }

        public double[] Gram { get; }

        public int[] Path { get; }

        public double[] Scratch { get; }

        public BestByModelCount Best { get; }

        public long Pending { get; set; }
    }
}
