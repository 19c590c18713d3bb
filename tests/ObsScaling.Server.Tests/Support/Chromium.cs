namespace ObsScaling.Server.Tests.Support;

/// <summary>
/// The machine's Chromium (Debian's <c>chromium</c> package, which .ci/run installs when missing), found on PATH as
/// <c>command -v chromium</c> would. The browser tests never download one.
/// </summary>
internal static class Chromium
{
    public static string? Find()
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Append("/usr/bin"))
        {
            var candidate = Path.Combine(directory, "chromium");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
