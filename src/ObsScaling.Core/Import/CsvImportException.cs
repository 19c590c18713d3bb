using ObsScaling.Core.Domain;

namespace ObsScaling.Core.Import;

/// <summary>A file that cannot be read as the expected format: names the source, line and column.</summary>
public sealed class CsvImportException : ObsValidationException
{
    public CsvImportException(string source, int line, string column, string value, string description)
        : base($"{source}:{line}", value, $"column '{column}': {description}")
    {
        Source = source;
        Line = line;
        Column = column;
    }

    public CsvImportException()
    {
        Source = "";
        Column = "";
    }

    public CsvImportException(string message)
        : base(message)
    {
        Source = "";
        Column = "";
    }

    public CsvImportException(string message, Exception innerException)
        : base(message, innerException)
    {
        Source = "";
        Column = "";
    }

    public new string Source { get; }

    public int Line { get; }

    public string Column { get; }
}
