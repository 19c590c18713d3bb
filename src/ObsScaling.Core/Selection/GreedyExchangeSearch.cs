namespace ObsScaling.Core.Selection;

/// <summary>
/// Greedy construction plus Fedorov-style exchanges over whole families, for pools too large to enumerate.
/// For each budget, a beam of greedy constructions (the best few hundred partial subsets kept at each size,
/// extended one family at a time while families fit) yields complete subsets; the best few of them are
/// polished by the best improving exchange — one or two families for one or two, or one or two dropped and
/// the budget refilled greedily — until none improves.
/// </summary>
/// <remarks>
/// Adding a family never lowers the objective (G_S grows in the Loewner order), so removals only pay as part of
/// an exchange. While a subset is still singular (fewer independent directions than components) its exact
/// objective is −∞ and cannot rank additions; a ridge-regularised objective −trace(G_all (G_S + εI)⁻¹) ranks them
/// instead, always below every non-singular subset.
/// </remarks>
internal sealed class GreedyExchangeSearch
{
    private readonly VOptimality _objective;
    private readonly int _k;
    private readonly int _packed;
    private readonly int _families;
    private readonly double[] _gram;
    private readonly int[] _counts;
    private readonly double[] _baseGram;
    private readonly int _baseCount;
    private readonly int _maxDepth;
    private readonly double[] _all;
    private readonly double _ridge;
    private readonly IProgress<SubsetSearchProgress>? _progress;
    private readonly CancellationToken _cancellationToken;
    // Complete subsets from the beam that are polished by exchanges.
    private const int Polished = 8;

    private long _evaluations;
    private long _stepsDone;

    public GreedyExchangeSearch(
        VOptimality objective, int k, double[] familyGrams, int[] familyCounts, double[] baseGram, int baseCount,
        int maxDepth, double[] packedAll, IProgress<SubsetSearchProgress>? progress, CancellationToken cancellationToken)
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
        _all = Unpack(packedAll, k);
        var trace = 0.0;
        for (var j = 0; j < k; j++)
        {
            trace += _all[(j * k) + j];
        }

        _ridge = 1e-9 * trace / k;
        _progress = progress;
        _cancellationToken = cancellationToken;
    }

    public long Evaluations => Interlocked.Read(ref _evaluations);

    /// <summary>The best subset found per budget: optional-family indices (ascending) and objective, or null when nothing feasible fits.</summary>
    public (int[] Families, double Objective)?[] Run(IReadOnlyList<int> budgets)
    {
        var total = (long)budgets.Count * (Polished + 1);
        var result = new (int[], double)?[budgets.Count];
        var options = new ParallelOptions { CancellationToken = _cancellationToken, MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount - 1) };
        try
        {
            Parallel.For(0, budgets.Count, options, b =>
            {
                var best = Search(budgets[b], total);
                result[b] = best is { Score.Exact: true } ? (best.Families, best.Score.Value) : null;
            });
        }
        catch (AggregateException ex) when (ex.InnerExceptions.All(e => e is OperationCanceledException))
        {
            throw new OperationCanceledException(_cancellationToken);
        }

        return result;
    }

    /// <summary>Beam construction, then exchanges from the best few complete subsets it found.</summary>
    private Candidate? Search(int budget, long totalSteps)
    {
        if (_baseCount > budget || _maxDepth < 1)
        {
            Report(Polished + 1, totalSteps);
            return null;
        }

        var width = Math.Clamp(2 * _families, 16, 96);
        var scratch = new State(this);
        var beam = new List<Candidate> { new([], default) };
        var complete = new Dictionary<string, Candidate>(StringComparer.Ordinal);
        while (beam.Count > 0)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            var next = new Dictionary<string, Candidate>(StringComparer.Ordinal);
            foreach (var partial in beam)
            {
                scratch.Reset(partial.Families);
                var extended = false;
                if (scratch.Size < _maxDepth)
                {
                    for (var f = 0; f < _families; f++)
                    {
                        if (scratch.In[f] || scratch.Count + _counts[f] > budget)
                        {
                            continue;
                        }

                        extended = true;
                        var families = partial.Families.Append(f).Order().ToArray();
                        var key = string.Join(',', families);
                        if (!next.ContainsKey(key))
                        {
                            next[key] = new Candidate(families, Score(scratch, f, -1, -1, -1, scratch.Count + _counts[f]));
                        }
                    }
                }

                if (!extended && partial.Families.Length > 0)
                {
                    complete.TryAdd(string.Join(',', partial.Families), partial);
                }
            }

            beam = next.Values.OrderByDescending(c => c.Score).ThenBy(c => string.Join(',', c.Families), StringComparer.Ordinal).Take(width).ToList();
        }

        Report(1, totalSteps);
        Candidate? best = null;
        var polishedCount = 0;
        foreach (var start in complete.Values.OrderByDescending(c => c.Score).ThenBy(c => string.Join(',', c.Families), StringComparer.Ordinal).Take(Polished))
        {
            var polished = Exchange(start, budget);
            if (best is null || polished.Score.CompareTo(best.Score) > 0)
            {
                best = polished;
            }

            polishedCount++;
            Report(1, totalSteps);
        }

        if (polishedCount < Polished)
        {
            Report(Polished - polishedCount, totalSteps);
        }

        return best;
    }

    private void Report(long steps, long total)
    {
        var done = Interlocked.Add(ref _stepsDone, steps);
        _progress?.Report(new SubsetSearchProgress(done, total));
    }

    /// <summary>Applies the best improving exchange until none improves.</summary>
    private Candidate Exchange(Candidate start, int budget)
    {
        var state = new State(this);
        state.Reset(start.Families);
        var score = start.Score;
        while (true)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            var move = BestExchange(state, budget, score);
            if (move is null)
            {
                break;
            }

            foreach (var r in move.Value.Remove)
            {
                state.Remove(r);
            }

            foreach (var a in move.Value.Add)
            {
                state.Add(a);
            }

            score = move.Value.Score;
        }

        return new Candidate(Enumerable.Range(0, _families).Where(f => state.In[f]).ToArray(), score);
    }

    private (int[] Remove, int[] Add, Score Score)? BestExchange(State state, int budget, Score current)
    {
        var members = Enumerable.Range(0, _families).Where(f => state.In[f]).ToArray();
        var outside = Enumerable.Range(0, _families).Where(f => !state.In[f]).ToArray();
        (int[] Remove, int[] Add, Score Score)? best = null;
        var bar = current;

        void Consider(int[] remove, int[] add)
        {
            var count = state.Count;
            foreach (var r in remove)
            {
                count -= _counts[r];
            }

            foreach (var a in add)
            {
                count += _counts[a];
            }

            if (count > budget || state.Size - remove.Length + add.Length > _maxDepth)
            {
                return;
            }

            var s = Score(state, add.Length > 0 ? add[0] : -1, add.Length > 1 ? add[1] : -1, remove.Length > 0 ? remove[0] : -1, remove.Length > 1 ? remove[1] : -1, count);
            if (s.Improves(bar))
            {
                bar = s;
                best = (remove, add, s);
            }
        }

        foreach (var b in outside)
        {
            Consider([], [b]);
        }

        foreach (var a in members)
        {
            foreach (var b in outside)
            {
                Consider([a], [b]);
            }

            for (var i = 0; i < outside.Length; i++)
            {
                for (var j = i + 1; j < outside.Length; j++)
                {
                    Consider([a], [outside[i], outside[j]]);
                }
            }
        }

        for (var i = 0; i < members.Length; i++)
        {
            for (var j = i + 1; j < members.Length; j++)
            {
                for (var x = 0; x < outside.Length; x++)
                {
                    Consider([members[i], members[j]], [outside[x]]);
                    for (var y = x + 1; y < outside.Length; y++)
                    {
                        Consider([members[i], members[j]], [outside[x], outside[y]]);
                    }
                }
            }
        }

        // Drop one or two families and refill greedily: reaches exchanges of one or two for many small families.
        var refill = new State(this);
        void DropAndRefill(int[] remove)
        {
            refill.Reset(members.Where(m => !remove.Contains(m)).ToArray());
            var added = new List<int>();
            var score = default(Score);
            while (refill.Size < _maxDepth)
            {
                var pick = -1;
                for (var f = 0; f < _families; f++)
                {
                    if (refill.In[f] || remove.Contains(f) || refill.Count + _counts[f] > budget)
                    {
                        continue;
                    }

                    var sf = Score(refill, f, -1, -1, -1, refill.Count + _counts[f]);
                    if (pick < 0 || sf.CompareTo(score) > 0)
                    {
                        pick = f;
                        score = sf;
                    }
                }

                if (pick < 0)
                {
                    break;
                }

                refill.Add(pick);
                added.Add(pick);
            }

            if (added.Count > 0 && score.Improves(bar))
            {
                bar = score;
                best = (remove, added.ToArray(), score);
            }
        }

        for (var i = 0; i < members.Length; i++)
        {
            DropAndRefill([members[i]]);
            for (var j = i + 1; j < members.Length; j++)
            {
                DropAndRefill([members[i], members[j]]);
            }
        }

        return best;
    }

    /// <summary>The score of the state with up to two families added and up to two removed (−1: none).</summary>
    private Score Score(State state, int add1, int add2, int remove1, int remove2, int count)
    {
        var trial = state.Trial;
        var p = _packed;
        for (var t = 0; t < p; t++)
        {
            var v = state.Gram[t];
            if (add1 >= 0)
            {
                v += _gram[(add1 * p) + t];
            }

            if (add2 >= 0)
            {
                v += _gram[(add2 * p) + t];
            }

            if (remove1 >= 0)
            {
                v -= _gram[(remove1 * p) + t];
            }

            if (remove2 >= 0)
            {
                v -= _gram[(remove2 * p) + t];
            }

            trial[t] = v;
        }

        return Score(trial, count, state.Scratch);
    }

    private Score Score(double[] packed, int count, double[] scratch)
    {
        Interlocked.Increment(ref _evaluations);
        if (count >= _k)
        {
            var exact = _objective.Objective(packed, scratch);
            if (!double.IsNegativeInfinity(exact))
            {
                return new Score(true, exact);
            }
        }

        return new Score(false, Regularised(packed));
    }

    /// <summary>−trace(G_all (G_S + εI)⁻¹) by a plain Cholesky solve; ε keeps it finite for any subset.</summary>
    private double Regularised(double[] packed)
    {
        var k = _k;
        var g = Unpack(packed, k);
        for (var j = 0; j < k; j++)
        {
            g[(j * k) + j] += _ridge;
        }

        var l = new double[k * k];
        for (var j = 0; j < k; j++)
        {
            var pivot = g[(j * k) + j];
            for (var s = 0; s < j; s++)
            {
                pivot -= l[(j * k) + s] * l[(j * k) + s];
            }

            var ljj = Math.Sqrt(Math.Max(pivot, _ridge));
            l[(j * k) + j] = ljj;
            for (var i = j + 1; i < k; i++)
            {
                var v = g[(i * k) + j];
                for (var s = 0; s < j; s++)
                {
                    v -= l[(i * k) + s] * l[(j * k) + s];
                }

                l[(i * k) + j] = v / ljj;
            }
        }

        // trace(A G⁻¹) = Σ_c a_cᵀ G⁻¹ e_c: solve G x = A e_c column by column.
        var trace = 0.0;
        var x = new double[k];
        for (var c = 0; c < k; c++)
        {
            for (var i = 0; i < k; i++)
            {
                var v = _all[(i * k) + c];
                for (var s = 0; s < i; s++)
                {
                    v -= l[(i * k) + s] * x[s];
                }

                x[i] = v / l[(i * k) + i];
            }

            for (var i = k - 1; i >= 0; i--)
            {
                var v = x[i];
                for (var s = i + 1; s < k; s++)
                {
                    v -= l[(s * k) + i] * x[s];
                }

                x[i] = v / l[(i * k) + i];
            }

            trace += x[c];
        }

        return -trace;
    }

    private static double[] Unpack(ReadOnlySpan<double> packed, int k)
    {
        var m = new double[k * k];
        var t = 0;
        for (var i = 0; i < k; i++)
        {
            for (var j = i; j < k; j++)
            {
                m[(i * k) + j] = packed[t];
                m[(j * k) + i] = packed[t];
                t++;
            }
        }

        return m;
    }

    private sealed record Candidate(int[] Families, Score Score);

    private sealed class State
    {
        private readonly GreedyExchangeSearch _search;

        public State(GreedyExchangeSearch search)
        {
            _search = search;
            In = new bool[search._families];
            Gram = (double[])search._baseGram.Clone();
            Count = search._baseCount;
            Trial = new double[search._packed];
            Scratch = new double[Math.Max(1, search._objective.ScratchLength)];
        }

        public bool[] In { get; }

        public double[] Gram { get; }

        public int Count { get; private set; }

        public int Size { get; private set; }

        public double[] Trial { get; }

        public double[] Scratch { get; }

        public void Reset(IReadOnlyList<int> families)
        {
            Array.Clear(In);
            _search._baseGram.CopyTo(Gram, 0);
            Count = _search._baseCount;
            Size = 0;
            foreach (var f in families)
            {
                Add(f);
            }
        }

        public void Add(int f)
        {
            In[f] = true;
            Count += _search._counts[f];
            Size++;
            for (var t = 0; t < _search._packed; t++)
            {
                Gram[t] += _search._gram[(f * _search._packed) + t];
            }
        }

        public void Remove(int f)
        {
            In[f] = false;
            Count -= _search._counts[f];
            Size--;
            for (var t = 0; t < _search._packed; t++)
            {
                Gram[t] -= _search._gram[(f * _search._packed) + t];
            }
        }
    }
}

/// <summary>An objective with its tier: exact (non-singular subset) beats regularised (singular) whatever the values.</summary>
internal readonly record struct Score(bool Exact, double Value) : IComparable<Score>
{
    // Exchanges must improve by more than rounding, or the search could cycle between equal subsets.
    private const double RelativeImprovement = 1e-12;

    public int CompareTo(Score other) =>
        Exact != other.Exact ? (Exact ? 1 : -1) : Value.CompareTo(other.Value);

    public bool Improves(Score other) =>
        Exact != other.Exact ? Exact : Value > other.Value + (RelativeImprovement * Math.Abs(other.Value));
}
