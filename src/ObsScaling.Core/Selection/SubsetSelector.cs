using System.Globalization;
using ObsScaling.Core.Domain;

namespace ObsScaling.Core.Selection;

/// <summary>
/// V-optimal choice of which model families to evaluate under a model-count budget (docs/method.md §8): exhaustive
/// search over family combinations maximising −trace(G_all · G_S⁻¹), with G = XᵀX on the uncentred leading PC
/// scores and no intercept.
/// </summary>
public static class SubsetSelector
{
    /// <summary>The reference refuses 1e7; enumeration here is cheap enough to allow ten times that.</summary>
    public const double MaxCombinations = 1e8;

    /// <summary>Largest number of budgets one search may answer.</summary>
    public const int MaxBudgets = 100;

    /// <summary>
    /// Searches whole-family subsets and returns, per budget, the best one found with at most that many models:
    /// every combination (<see cref="SubsetSearchMethod.Exhaustive"/>) or a greedy search with exchanges
    /// (<see cref="SubsetSearchMethod.GreedyExchange"/>), per <see cref="SubsetSearchOptions.Method"/>. Ties go to the first combination in the reference's enumeration order (fewer families
    /// first, then lexicographic over families ordered by first appearance in <paramref name="families"/>).
    /// </summary>
    /// <param name="scores">n × (≥ k) PC scores of the candidate pool; only the first k columns are used, uncentred.</param>
    /// <param name="families">Family of each row.</param>
    /// <param name="modelNames">Name of each row, used only to report the chosen models.</param>
    /// <exception cref="ObsValidationException">Malformed input or a search space above <see cref="MaxCombinations"/>.</exception>
    /// <exception cref="ObsPreconditionException">The pool's own Gram matrix is singular (field <c>scores</c>).</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static SubsetSearchResult Search(
        double[,] scores,
        IReadOnlyList<string> families,
        IReadOnlyList<string> modelNames,
        SubsetSearchOptions options,
        IProgress<SubsetSearchProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(families);
        ArgumentNullException.ThrowIfNull(modelNames);
        ArgumentNullException.ThrowIfNull(options);
        Validate(scores, families, modelNames, options);

        var n = scores.GetLength(0);
        var k = options.Components;
        var p = VOptimality.PackedLength(k);

        var familyOrder = new List<string>();
        var familyIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var rowFamily = new int[n];
        for (var i = 0; i < n; i++)
        {
            if (!familyIndex.TryGetValue(families[i], out var f))
            {
                f = familyOrder.Count;
                familyIndex.Add(families[i], f);
                familyOrder.Add(families[i]);
            }

            rowFamily[i] = f;
        }

        var gram = new double[familyOrder.Count * p];
        var counts = new int[familyOrder.Count];
        var all = new double[p];
        Span<double> row = stackalloc double[k];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < k; j++)
            {
                row[j] = scores[i, j];
            }

            VOptimality.AddOuterProduct(gram.AsSpan(rowFamily[i] * p, p), row, k);
            VOptimality.AddOuterProduct(all, row, k);
            counts[rowFamily[i]]++;
        }

        var objective = VOptimality.TryCreate(all, k) ?? throw new ObsPreconditionException(
            "scores", $"{n} × {k}", $"singular matrix: the Gram matrix of the first {k} PC scores over the whole pool is not invertible");

        var included = options.IncludeFamily is null ? -1 : familyIndex[options.IncludeFamily];
        var optional = Enumerable.Range(0, familyOrder.Count).Where(f => f != included).ToArray();
        var maxDepth = options.MaxFamilies - (included >= 0 ? 1 : 0);
        var optionalGram = new double[optional.Length * p];
        var optionalCounts = new int[optional.Length];
        for (var o = 0; o < optional.Length; o++)
        {
            gram.AsSpan(optional[o] * p, p).CopyTo(optionalGram.AsSpan(o * p));
            optionalCounts[o] = counts[optional[o]];
        }

        var baseGram = included >= 0 ? gram.AsSpan(included * p, p).ToArray() : new double[p];
        var baseCount = included >= 0 ? counts[included] : 0;
        var maxCount = Math.Min(options.Budgets.Max(), n);

        var space = FamilyCombinationSearch.CountCombinations(optional.Length, maxDepth);
        var method = Resolve(options, space);
        var combinations = space >= long.MaxValue ? long.MaxValue : (long)space;
        var found = new (IReadOnlyList<int> Families, double Objective)?[options.Budgets.Count];
        long evaluations;
        if (method == SubsetSearchMethod.Exhaustive)
        {
            var search = new FamilyCombinationSearch(
                objective, k, optionalGram, optionalCounts, baseGram, baseCount, maxDepth, maxCount, progress, cancellationToken);
            var best = search.Run();
            for (var b = 0; b < found.Length; b++)
            {
                var count = best.BestCountWithin(options.Budgets[b]);
                found[b] = count < 0 ? null : (best.Path(count).ToArray(), best.Objective(count));
            }

            combinations = search.Total;
            evaluations = search.Total;
        }
        else
        {
            var search = new GreedyExchangeSearch(
                objective, k, optionalGram, optionalCounts, baseGram, baseCount, maxDepth, all, progress, cancellationToken);
            var best = search.Run(options.Budgets);
            for (var b = 0; b < found.Length; b++)
            {
                found[b] = best[b] is { } x ? (x.Families, x.Objective) : null;
            }

            evaluations = search.Evaluations;
        }

        var choices = new SubsetChoice[options.Budgets.Count];
        for (var b = 0; b < choices.Length; b++)
        {
            var budget = options.Budgets[b];
            if (found[b] is not { } pick)
            {
                choices[b] = new SubsetChoice(budget, double.NegativeInfinity, [], []);
                continue;
            }

            var chosen = new bool[familyOrder.Count];
            foreach (var o in pick.Families)
            {
                chosen[optional[o]] = true;
            }

            if (included >= 0)
            {
                chosen[included] = true;
            }

            choices[b] = new SubsetChoice(
                budget,
                pick.Objective,
                familyOrder.Where((_, f) => chosen[f]).ToArray(),
                Enumerable.Range(0, n).Where(i => chosen[rowFamily[i]]).Select(i => modelNames[i]).ToArray());
        }

        return new SubsetSearchResult(combinations, choices) { Method = method, Evaluations = evaluations };
    }

    private static SubsetSearchMethod Resolve(SubsetSearchOptions options, double combinations) => options.Method switch
    {
        SubsetSearchMethod.Auto => combinations <= options.AutoThreshold ? SubsetSearchMethod.Exhaustive : SubsetSearchMethod.GreedyExchange,
        _ => options.Method,
    };

    private static void Validate(double[,] scores, IReadOnlyList<string> families, IReadOnlyList<string> modelNames, SubsetSearchOptions options)
    {
        var v = new ViolationCollector();
        var n = scores.GetLength(0);
        var columns = scores.GetLength(1);
        if (families.Count != n)
        {
            v.Add("families", families.Count.ToString(CultureInfo.InvariantCulture), $"{families.Count} families given for {n} score rows");
        }

        if (modelNames.Count != n)
        {
            v.Add("model_names", modelNames.Count.ToString(CultureInfo.InvariantCulture), $"{modelNames.Count} model names given for {n} score rows");
        }

        for (var i = 0; i < families.Count; i++)
        {
            if (string.IsNullOrEmpty(families[i]))
            {
                v.Add($"families[{i}]", families[i] ?? "null", "every model needs a family");
            }
        }

        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < columns; j++)
            {
                if (!double.IsFinite(scores[i, j]))
                {
                    v.Add($"scores[{i}][{j}]", scores[i, j], "scores must be finite");
                }
            }
        }

        if (options.Budgets is null || options.Budgets.Count == 0)
        {
            v.Add("options.budgets", "[]", "at least one budget is required");
        }
        else if (options.Budgets.Count > MaxBudgets)
        {
            // Each budget is a search of its own (the greedy method runs one per budget).
            v.Add("options.budgets", $"{options.Budgets.Count.ToString(CultureInfo.InvariantCulture)} budgets", $"at most {MaxBudgets.ToString(CultureInfo.InvariantCulture)} budgets per search");
        }
        else
        {
            for (var b = 0; b < options.Budgets.Count; b++)
            {
                if (options.Budgets[b] <= 0)
                {
                    v.Add($"options.budgets[{b}]", options.Budgets[b].ToString(CultureInfo.InvariantCulture), "a budget must be a positive number of models");
                }
            }
        }

        if (options.Components < 1 || options.Components > columns)
        {
            v.Add("options.components", options.Components.ToString(CultureInfo.InvariantCulture), $"must be between 1 and the {columns} score columns given");
        }

        if (!Enum.IsDefined(options.Method))
        {
            v.Add("options.method", options.Method.ToString(), "one of auto, exhaustive, greedy_exchange");
        }

        if (!(options.AutoThreshold >= 0))
        {
            v.Add("options.auto_threshold", options.AutoThreshold, "must not be negative");
        }

        if (options.MaxFamilies < 1)
        {
            v.Add("options.max_families", options.MaxFamilies.ToString(CultureInfo.InvariantCulture), "must be at least 1");
        }

        var distinct = families.Where(f => !string.IsNullOrEmpty(f)).Distinct(StringComparer.Ordinal).Count();
        if (options.IncludeFamily is not null && !families.Contains(options.IncludeFamily, StringComparer.Ordinal))
        {
            v.Add("options.include_family", options.IncludeFamily, "no model in the pool belongs to this family");
        }

        v.ThrowIfAny();

        var optional = distinct - (options.IncludeFamily is null ? 0 : 1);
        var maxDepth = options.MaxFamilies - (options.IncludeFamily is null ? 0 : 1);
        var total = FamilyCombinationSearch.CountCombinations(optional, maxDepth);
        if (Resolve(options, total) == SubsetSearchMethod.Exhaustive && total > MaxCombinations)
        {
            throw new ObsValidationException(
                "options.max_families",
                options.MaxFamilies.ToString(CultureInfo.InvariantCulture),
                $"the search is too large: {total:E3} family combinations (limit {MaxCombinations:E0}); lower max_families or pre-filter families");
        }
    }
}
