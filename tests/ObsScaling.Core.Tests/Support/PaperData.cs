using ObsScaling.Core.Domain;
using ObsScaling.Core.Import;

namespace ObsScaling.Core.Tests.Support;

/// <summary>Locates the paper's public data beside the repository (../shared/data/obsscaling).</summary>
internal static class PaperData
{
    private static readonly Lazy<string?> Root = new(FindRoot);

    public static string? Directory => Root.Value;

    public static bool Available => Directory is not null;

    public static string SkipReason => ObsScaling.Testing.PaperDataDirectory.SkipReason;

    public static string MissingReason => SkipReason;

    public static string BaseEvalCsv => Path.Combine(Directory ?? "missing-data", PaperDatasets.BaseBenchmarkFile);

    /// <summary>The 8 base benchmarks in the file's column order.</summary>
    public static string[] Metrics => [.. PaperMetrics.BaseBenchmarks];

    /// <summary>The default 77-model set of docs/method.md §1 as plain arrays.</summary>
    public static DefaultSet LoadDefaultSet()
    {
        var set = DefaultBase();
        return new DefaultSet(
            set.Models.Select(m => m.Name).ToArray(),
            set.Models.Select(m => m.Family).ToArray(),
            set.Column(ModelColumns.FlopsE21),
            set.Matrix(Metrics));
    }

    public static void SkipIfAbsent() => Skip.IfNot(Available, SkipReason);

    public static TextReader Open(string file) => File.OpenText(Path.Combine(Directory!, file));

    public static ModelSet Read(string file) => PaperDatasets.Read(Open, file);

    public static ModelSet DefaultBase() => PaperDatasets.LoadBase(Open);

    private static string? FindRoot() => ObsScaling.Testing.PaperDataDirectory.Path;
}

internal sealed record DefaultSet(string[] Models, string?[] Families, double[] FlopsE21, double[,] Scores);
