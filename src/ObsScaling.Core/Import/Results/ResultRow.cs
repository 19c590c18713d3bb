using ObsScaling.Core.Domain;

namespace ObsScaling.Core.Import.Results;

/// <summary>
/// One row as read from a file, before duplicates are resolved: a model's identity (name, revision, precision),
/// what the row says about it, and where each score came from.
/// </summary>
internal sealed class ResultRow(string model, SourceLocation at)
{
    public string Model { get; } = model;

    public SourceLocation At { get; } = at;

    public string? Revision { get; set; }

    public string? Precision { get; set; }

    /// <summary>A family given explicitly by the file (wins over the rules).</summary>
    public string? Family { get; set; }

    public double? ParametersB { get; set; }

    public double? TokensT { get; set; }

    public double? FlopsE21 { get; set; }

    public DateOnly? ReleaseDate { get; set; }

    public string? Organization { get; set; }

    public Dictionary<string, (double Value, SourceLocation At)> Scores { get; } = new(StringComparer.Ordinal);

    /// <summary>Standard errors of some of <see cref="Scores"/>; they travel with their score through the merge.</summary>
    public Dictionary<string, double> StandardErrors { get; } = new(StringComparer.Ordinal);

    /// <summary>How many samples some of <see cref="Scores"/> were computed from.</summary>
    public Dictionary<string, long> SampleCounts { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Benchmarks this row's file lacks, with the error to report if no other file of the same model has them
    /// (one model's benchmarks may come from several harness runs).
    /// </summary>
    public List<(string Metric, FieldViolation Problem, bool TaskAbsent)> Missing { get; } = [];

    /// <summary>How errors name the row: model, revision and precision, then file and line.</summary>
    public string Describe() =>
        $"{Model} (revision {Revision ?? "?"}, precision {Precision ?? "?"}) at {At.Source}:{At.Line}";
}
