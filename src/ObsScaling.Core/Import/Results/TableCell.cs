namespace ObsScaling.Core.Import.Results;

/// <summary>One cell of a CSV row or JSON record: its text (or JSON number) and where it is.</summary>
internal sealed record TableCell(string Text, double? Number, SourceLocation At)
{
    public bool IsEmpty => Number is null && string.IsNullOrWhiteSpace(Text);
}
