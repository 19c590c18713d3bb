namespace ObsScaling.Core.Import.Results;

/// <summary>What a metadata file says about one model (sizes in the paper's units) and where.</summary>
internal sealed record ModelMetadata(string Model, string? Family, double? ParametersB, double? TokensT, double? FlopsE21, SourceLocation At)
{
    public DateOnly? ReleaseDate { get; init; }

    public string? Organization { get; init; }
}
