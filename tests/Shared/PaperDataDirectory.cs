namespace ObsScaling.Testing;

/// <summary>
/// Finds the paper's public data, which lives outside the repository in ../shared/data/obsscaling beside it,
/// by walking up from a start folder (git worktrees and build outputs sit deeper). Linked into the test and
/// benchmark projects; the engine itself never touches the file system.
/// </summary>
internal static class PaperDataDirectory
{
    private const string Marker = "base_llm_benchmark_eval.csv";

    private static readonly Lazy<string?> Found = new(() => Find(AppContext.BaseDirectory));

    /// <summary>The data folder, or null when it is not present.</summary>
    public static string? Path => Found.Value;

    public static string SkipReason => "the paper's public data (../shared/data/obsscaling) is not present beside the repository";

    public static string? Find(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var data = System.IO.Path.Combine(dir.FullName, "shared", "data", "obsscaling");
            if (File.Exists(System.IO.Path.Combine(data, Marker)))
            {
                return data;
            }
        }

        return null;
    }
}
