namespace ObsScaling.Core.Import.Results;

/// <summary>One input file's text and the name errors refer to it by (the caller reads the file; Core never does).</summary>
public sealed record ImportSource(string Name, string Text)
{
    /// <summary>The file's bytes, for formats that are not text (an Inspect AI <c>.eval</c> is a zip); null for text.</summary>
    public byte[]? Bytes { get; init; }

    public static ImportSource Read(string name, TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return new ImportSource(name, reader.ReadToEnd());
    }
}
