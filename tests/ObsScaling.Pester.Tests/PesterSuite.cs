using System.Diagnostics;
using System.Text;
using System.Text.Json;
using ObsScaling.Testing;

namespace ObsScaling.Pester.Tests;

/// <summary>
/// Runs the whole Pester suite once, in a real pwsh (the repository's pinned tool, started as <c>dotnet pwsh
/// -NoProfile</c> from the repository root), with the built module on PSModulePath and a fresh database for the
/// embedded server, and keeps each test's result for the theory cases to assert.
/// </summary>
public sealed class PesterSuite : IDisposable
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(15);
    private readonly string _work = Directory.CreateTempSubdirectory("obs-pester-").FullName;
    private readonly Dictionary<string, List<PesterResult>> _results = new(StringComparer.Ordinal);

    public PesterSuite()
    {
        RepositoryRoot = FindRepositoryRoot();
        SkipReason = Pwsh.CannotStart(RepositoryRoot);
        if (SkipReason is null)
        {
            Run();
        }
    }

    /// <summary>Why pwsh cannot run here, or null when it ran the suite.</summary>
    public string? SkipReason { get; }

    public string RepositoryRoot { get; }

    /// <summary>The pwsh process's own output (Pester's detailed log), for failure messages.</summary>
    public string Log { get; private set; } = "";

    internal IReadOnlyList<PesterContainer> Containers { get; private set; } = [];

    public IEnumerable<string> RanTests => _results.Keys;

    internal IReadOnlyList<PesterResult> ResultsFor(string id) => _results.TryGetValue(id, out var r) ? r : [];

    public void Dispose()
    {
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private void Run()
    {
        var results = Path.Combine(_work, "pester.json");
        var start = Pwsh.StartInfo(RepositoryRoot);
        start.ArgumentList.Add("-File");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Support", "Invoke-PesterSuite.ps1"));
        start.ArgumentList.Add("-PesterManifest");
        start.ArgumentList.Add(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "pester-manifest.txt")).Trim());
        start.ArgumentList.Add("-TestDirectory");
        start.ArgumentList.Add(PesterCase.TestDirectory);
        start.ArgumentList.Add("-ResultPath");
        start.ArgumentList.Add(results);

        // The module as shipped, found through PSModulePath so that the tests use it by auto-loading, as users do.
        var modules = Path.Combine(_work, "modules");
        Directory.CreateDirectory(modules);
        var moduleDir = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "module-dir.txt")).Trim().TrimEnd('/', '\\');
        Directory.CreateSymbolicLink(Path.Combine(modules, "ObsScaling"), moduleDir);
        start.Environment["PSModulePath"] = modules;
        start.Environment["OBSSCALING_DATABASE"] = Path.Combine(_work, "obs.db");
        // Private servers: each test database's server stops with the run instead of idling on (the shared one is tested in ObsScaling.Shell.Tests).
        start.Environment["OBSSCALING_SERVER_IDLE"] = "0";
        start.Environment["OBS_TEST_WORK"] = _work;
        start.Environment["OBS_REPOSITORY_ROOT"] = RepositoryRoot;
        start.Environment["OBS_PAPER_DATA"] = PaperDataDirectory.Path ?? "";
        start.Environment["OBS_CONFLICTING_PROTOBUF"] = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "conflicting-protobuf.txt")).Trim();
        start.Environment.Remove("OBSSCALING_SERVER");

        var log = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Close();
        if (!process.WaitForExit(RunTimeout))
        {
            process.Kill(entireProcessTree: true);
            Append(log, $"(the Pester run was stopped after {RunTimeout.TotalMinutes:0} minutes)");
        }

        process.WaitForExit();
        lock (log)
        {
            Log = log.ToString();
        }

        if (!File.Exists(results))
        {
            Containers = [new PesterContainer("(all)", "Failed", $"pwsh exited with {process.ExitCode} before writing its results:\n{Log}")];
            return;
        }

        var report = JsonSerializer.Deserialize<PesterReport>(File.ReadAllText(results)) ?? new PesterReport([], []);
        Containers = report.Containers;
        foreach (var test in report.Tests)
        {
            var id = PesterCase.Key(test.File, test.Path);
            if (!_results.TryGetValue(id, out var list))
            {
                _results[id] = list = [];
            }

            list.Add(test);
        }
    }

    private static void Append(StringBuilder log, string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.AppendLine(line);
            }
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ObsScaling.Grpc.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("repository root (ObsScaling.Grpc.sln) not found above " + AppContext.BaseDirectory);
    }
}
