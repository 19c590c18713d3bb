namespace ObsScaling.Core.Import.Results;

/// <summary>One input file's text and the name errors refer to it by (the caller reads the file; Core never does).</summary>
public sealed record ImportSource(string Name, string Text)
{
    public static ImportSource Read(string name, TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return new ImportSource(name, reader.ReadToEnd());
    }
}
