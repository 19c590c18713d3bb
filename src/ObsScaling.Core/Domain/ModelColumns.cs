namespace ObsScaling.Core.Domain;

/// <summary>
/// Names of the metadata columns. The canonical names are the paper's CSV headers, so that a
/// cutoff written against the reference (<c>cutoff_by_FLOPs (1E21)</c>) reads the same here.
/// Short aliases are accepted wherever a column is named.
/// </summary>
public static class ModelColumns
{
    public const string Model = "Model";
    public const string Family = "Model Family";
    public const string ParametersB = "Model Size (B)";
    public const string TokensT = "Pretraining Data Size (T)";
    public const string FlopsE21 = "FLOPs (1E21)";

    /// <summary>Maps an alias (case-insensitive) to the canonical metadata column, or null if it is not a metadata column.</summary>
    public static string? Canonical(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToUpperInvariant() switch
        {
            "FLOPS (1E21)" or "FLOPS" or "COMPUTE" => FlopsE21,
            "MODEL SIZE (B)" or "PARAMS" or "PARAMETERS" or "SIZE" => ParametersB,
            "PRETRAINING DATA SIZE (T)" or "TOKENS" or "DATA" => TokensT,
            _ => null,
        };
    }
}
