using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace ObsScaling.PowerShell.Tests.Support;

/// <summary>
/// A PowerShell engine hosted in-process with the built module imported from its output folder (manifest, format
/// file, help and server/ as shipped). Disposing closes the runspace, which ends the module's session.
/// </summary>
internal sealed class ModuleHost : IDisposable
{
    private static readonly Lazy<string> Dir = new(() => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "module-dir.txt")).Trim());

    static ModuleHost()
    {
        // These tests check a session's own server (started with it, stopped with it): private servers, which also
        // leave no warm server behind per test database. The shared server is tested in ObsScaling.Shell.Tests.
        Environment.SetEnvironmentVariable("OBSSCALING_SERVER_IDLE", "0");
    }

    public ModuleHost()
    {
        var iss = InitialSessionState.CreateDefault2();
        iss.ImportPSModule(ManifestPath);
        Shell = System.Management.Automation.PowerShell.Create(iss);
    }

    public static string ModuleDirectory => Dir.Value;

    public static string ManifestPath => Path.Combine(ModuleDirectory, "ObsScaling.psd1");

    public static string ServerDll => Path.Combine(ModuleDirectory, "server", "ObsScaling.Server.dll");

    public System.Management.Automation.PowerShell Shell { get; }

    public Runspace Runspace => Shell.Runspace;

    /// <summary>Runs a script (fresh pipeline, streams cleared) with variables set beforehand; returns its output.</summary>
    public Collection<PSObject> Run(string script, IDictionary<string, object?>? variables = null)
    {
        Shell.Commands.Clear();
        Shell.Streams.ClearStreams();
        foreach (var (name, value) in variables ?? new Dictionary<string, object?>())
        {
            Runspace.SessionStateProxy.SetVariable(name, value);
        }

        Shell.AddScript(script);
        return Shell.Invoke();
    }

    /// <summary>Runs a script that must not write errors.</summary>
    public Collection<PSObject> RunClean(string script, IDictionary<string, object?>? variables = null)
    {
        var output = Run(script, variables);
        Assert.True(Shell.Streams.Error.Count == 0, "errors: " + string.Join(" | ", Shell.Streams.Error.Select(e => e.ToString())));
        return output;
    }

    public IReadOnlyList<ErrorRecord> Errors => Shell.Streams.Error.ToList();

    public static T Base<T>(PSObject o) => Assert.IsType<T>(o.BaseObject);

    public void Dispose()
    {
        Shell.Runspace.Dispose();
        Shell.Dispose();
    }
}
