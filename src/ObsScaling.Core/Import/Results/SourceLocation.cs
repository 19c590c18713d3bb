namespace ObsScaling.Core.Import.Results;

/// <summary>A place in an input file: 1-based line and column (a CSV column is the field's number).</summary>
public readonly record struct SourceLocation(string Source, int Line, int Column)
{
    public override string ToString() => $"{Source}:{Line}:{Column}";
}
