using System.Globalization;
using ObsScaling.Core.Domain;

namespace ObsScaling.Core.Holdout;

public enum HoldoutSplitKind
{
    /// <summary>Train = rows with column ≤ threshold; test = the rest, including rows where the column is missing.</summary>
    Cutoff,

    /// <summary>Cutoff at min + ratio·(max − min) of the column.</summary>
    CutoffRatio,

    /// <summary>Test = the top <c>Count</c> rows by the column, descending (missing values first).</summary>
    Top,

    /// <summary>Test = the top ⌊fraction·n⌋ rows by the column.</summary>
    TopFraction,

    /// <summary>Test = a seeded random ⌊fraction·n⌋ (or <c>Count</c>) rows.</summary>
    Random,

    /// <summary>Test = the named models.</summary>
    Explicit,
}

/// <summary>
/// How models are divided into the rows a law is fitted on and the rows it must forecast
/// (docs/method.md §6). <see cref="TargetColumn"/> names the transformed target as a column.
/// </summary>
public sealed record HoldoutSplit
{
    /// <summary>The processed target y (the reference's <c>y_metric</c>).</summary>
    public const string TargetColumn = "@target";

    private HoldoutSplit(HoldoutSplitKind kind)
    {
        Kind = kind;
    }

    public HoldoutSplitKind Kind { get; }

    public string Column { get; private init; } = ModelColumns.FlopsE21;

    public double Threshold { get; private init; }

    public int Count { get; private init; }

    public double Fraction { get; private init; }

    public int Seed { get; private init; }

    public IReadOnlyList<string> TestModels { get; private init; } = [];

    /// <summary>The paper's default: FLOPs (1E21) ≤ 84, i.e. up to Llama-2-7B in train.</summary>
    public static HoldoutSplit Default { get; } = Cutoff(ModelColumns.FlopsE21, 84);

    public static HoldoutSplit Cutoff(string column, double threshold) =>
        new(HoldoutSplitKind.Cutoff) { Column = column, Threshold = threshold };

    public static HoldoutSplit CutoffRatio(string column, double ratio) =>
        new(HoldoutSplitKind.CutoffRatio) { Column = column, Fraction = ratio };

    public static HoldoutSplit Top(string column, int count) =>
        new(HoldoutSplitKind.Top) { Column = column, Count = count };

    public static HoldoutSplit TopFraction(string column, double fraction) =>
        new(HoldoutSplitKind.TopFraction) { Column = column, Fraction = fraction };

    /// <summary>The seed of a random split that names none.</summary>
    public const int DefaultSeed = 42;

    public static HoldoutSplit Random(double fraction, int seed = DefaultSeed) =>
        new(HoldoutSplitKind.Random) { Fraction = fraction, Seed = seed };

    public static HoldoutSplit RandomCount(int count, int seed = DefaultSeed) =>
        new(HoldoutSplitKind.Random) { Count = count, Seed = seed };

    public static HoldoutSplit Explicit(IEnumerable<string> testModels) =>
        new(HoldoutSplitKind.Explicit) { TestModels = testModels.ToArray() };

    /// <summary>True when this split reads a column's values (so the caller must supply them).</summary>
    public bool UsesColumn => Kind is HoldoutSplitKind.Cutoff or HoldoutSplitKind.CutoffRatio or HoldoutSplitKind.Top or HoldoutSplitKind.TopFraction;

    /// <summary>
    /// Assigns rows. <paramref name="values"/> is the split column (NaN = missing) and is only read when
    /// <see cref="UsesColumn"/>. An empty train or test part is an <see cref="ObsPreconditionException"/>.
    /// </summary>
    public SplitAssignment Assign(IReadOnlyList<string> names, IReadOnlyList<double>? values)
    {
        ArgumentNullException.ThrowIfNull(names);
        Validate(names, values);
        var n = names.Count;
        var isTest = new bool[n];
        switch (Kind)
        {
            case HoldoutSplitKind.Cutoff:
            case HoldoutSplitKind.CutoffRatio:
                {
                    var threshold = Threshold;
                    if (Kind == HoldoutSplitKind.CutoffRatio)
                    {
                        var finite = values!.Where(double.IsFinite).ToArray();
                        threshold = finite.Length == 0 ? double.NaN : finite.Min() + (Fraction * (finite.Max() - finite.Min()));
                    }

                    for (var i = 0; i < n; i++)
                    {
                        // NaN fails the comparison, so a model without the value is forecast, not fitted.
                        isTest[i] = !(values![i] <= threshold);
                    }

                    break;
                }

            case HoldoutSplitKind.Top:
            case HoldoutSplitKind.TopFraction:
                {
                    var take = Kind == HoldoutSplitKind.Top ? Count : (int)Math.Floor(Fraction * n);
                    // Descending with missing values first (as the reference's sort); ties keep input order.
                    var order = Enumerable.Range(0, n)
                        .OrderBy(i => double.IsNaN(values![i]) ? 0 : 1)
                        .ThenByDescending(i => double.IsNaN(values![i]) ? 0 : values![i])
                        .ThenBy(i => i)
                        .Take(take);
                    foreach (var i in order)
                    {
                        isTest[i] = true;
                    }

                    break;
                }

            case HoldoutSplitKind.Random:
                {
                    var take = Count > 0 ? Count : (int)Math.Floor(Fraction * n);
                    var perm = Enumerable.Range(0, n).ToArray();
                    new Random(Seed).Shuffle(perm);
                    foreach (var i in perm.Take(take))
                    {
                        isTest[i] = true;
                    }

                    break;
                }

            case HoldoutSplitKind.Explicit:
                {
                    var wanted = TestModels.ToHashSet(StringComparer.Ordinal);
                    for (var i = 0; i < n; i++)
                    {
                        isTest[i] = wanted.Contains(names[i]);
                    }

                    break;
                }
        }

        var train = Enumerable.Range(0, n).Where(i => !isTest[i]).ToArray();
        var test = Enumerable.Range(0, n).Where(i => isTest[i]).ToArray();
        var v = new ViolationCollector();
        if (train.Length == 0)
        {
            v.Add("split", Describe(), $"leaves no model to fit on ({n} models, all in test)");
        }

        if (test.Length == 0)
        {
            v.Add("split", Describe(), $"leaves no model to forecast ({n} models, all in train)");
        }

        v.ThrowPreconditionIfAny();
        return new SplitAssignment(train, test);
    }

    public string Describe() => Kind switch
    {
        HoldoutSplitKind.Cutoff => $"{Column} <= {Threshold.ToString("G", CultureInfo.InvariantCulture)}",
        HoldoutSplitKind.CutoffRatio => $"{Column} <= min + {Fraction.ToString("G", CultureInfo.InvariantCulture)}·range",
        HoldoutSplitKind.Top => $"top {Count} by {Column}",
        HoldoutSplitKind.TopFraction => $"top {Fraction.ToString("P0", CultureInfo.InvariantCulture)} by {Column}",
        HoldoutSplitKind.Random => Count > 0 ? $"random {Count} (seed {Seed})" : $"random {Fraction.ToString("P0", CultureInfo.InvariantCulture)} (seed {Seed})",
        HoldoutSplitKind.Explicit => $"explicit ({TestModels.Count} test models)",
        _ => Kind.ToString(),
    };

    private void Validate(IReadOnlyList<string> names, IReadOnlyList<double>? values)
    {
        var v = new ViolationCollector();
        if (UsesColumn && (values is null || values.Count != names.Count))
        {
            v.Add("split.column", Column, "no values supplied for the split column");
        }

        switch (Kind)
        {
            case HoldoutSplitKind.Cutoff when !double.IsFinite(Threshold):
                v.Add("split.threshold", Threshold, "must be a finite number");
                break;
            case HoldoutSplitKind.CutoffRatio or HoldoutSplitKind.TopFraction when !(Fraction > 0 && Fraction < 1):
                v.Add("split.fraction", Fraction, "must lie strictly between 0 and 1");
                break;
            case HoldoutSplitKind.Random when Count <= 0 && !(Fraction > 0 && Fraction < 1):
                v.Add("split.fraction", Fraction, "must lie strictly between 0 and 1 (or give a count)");
                break;
            case HoldoutSplitKind.Top when Count < 1 || Count >= names.Count:
                v.Add("split.count", Count.ToString(CultureInfo.InvariantCulture), $"must be between 1 and {names.Count - 1}");
                break;
            case HoldoutSplitKind.Explicit:
                {
                    var known = names.ToHashSet(StringComparer.Ordinal);
                    for (var i = 0; i < TestModels.Count; i++)
                    {
                        if (!known.Contains(TestModels[i]))
                        {
                            v.Add($"split.test_models[{i}]", TestModels[i], "unknown model");
                        }
                    }

                    break;
                }
        }

        v.ThrowIfAny();
    }
}
