namespace ObsScaling.Shell;

/// <summary>
/// Finds the module manifests to import, so the shell works before and after the module ships with it:
/// every <c>*.psd1</c> directly in <c>modules/</c> beside the executable or one folder below it
/// (<c>modules/ObsScaling/ObsScaling.psd1</c>), then each entry of <c>$env:OBSSCALING_MODULE</c>
/// (a manifest, a module dll or a folder searched the same way; several entries joined by the path
/// separator), then the <c>-Module</c> options. Missing locations are not errors.
/// </summary>
internal static class ModuleLocator
{
    public const string EnvironmentVariable = "OBSSCALING_MODULE";

    public static IReadOnlyList<string> Find(string appDirectory, string? environmentValue, IEnumerable<string> explicitPaths)
    {
        var found = new List<string>();
        found.AddRange(SearchFolder(Path.Combine(appDirectory, "modules")));
        if (!string.IsNullOrWhiteSpace(environmentValue))
        {
            foreach (var entry in environmentValue.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                found.AddRange(Directory.Exists(entry) ? SearchFolder(entry) : [Path.GetFullPath(entry)]);
            }
        }

        found.AddRange(explicitPaths.Select(Path.GetFullPath));
        return [.. found.Distinct(StringComparer.Ordinal)];
    }

    // Only the top two levels: deeper .psd1 files are usually data files or nested modules of a module,
    // which its own manifest loads.
    private static IEnumerable<string> SearchFolder(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var top = Directory.EnumerateFiles(folder, "*.psd1").Order(StringComparer.Ordinal);
        var nested = Directory.EnumerateDirectories(folder).Order(StringComparer.Ordinal)
            .SelectMany(d => Directory.EnumerateFiles(d, "*.psd1").Order(StringComparer.Ordinal));
        return [.. top.Concat(nested).Select(Path.GetFullPath)];
    }
}
