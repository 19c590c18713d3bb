using ObsScaling.Core.Domain;
using ObsScaling.Core.Import;

namespace ObsScaling.Benchmarks;

/// <summary>The paper's data located beside the repository; benchmarks refuse to run without it.</summary>
internal static class PaperWorkload
{
    public static string DataDirectory { get; } = Find();

    public static TextReader Open(string file) => File.OpenText(Path.Combine(DataDirectory, file));

    public static ModelSet DefaultBase() => PaperDatasets.LoadBase(Open);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data", "obsscaling");
            if (File.Exists(Path.Combine(candidate, PaperDatasets.BaseBenchmarkFile)))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("The paper's data (../shared/data/obsscaling beside the repository) was not found.");
    }
}
