using ObsScaling.Core.Domain;
using ObsScaling.Core.Import;

namespace ObsScaling.Benchmarks;

/// <summary>The paper's data located beside the repository; benchmarks refuse to run without it.</summary>
internal static class PaperWorkload
{
    public static string DataDirectory { get; } = Find();

    public static TextReader Open(string file) => File.OpenText(Path.Combine(DataDirectory, file));

    public static ModelSet DefaultBase() => PaperDatasets.LoadBase(Open);

    private static string Find() =>
        ObsScaling.Testing.PaperDataDirectory.Path ?? throw new InvalidOperationException(ObsScaling.Testing.PaperDataDirectory.SkipReason);
}
