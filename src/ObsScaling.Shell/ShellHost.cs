using System.Management.Automation;
using System.Management.Automation.Runspaces;
using Spectre.Console;

namespace ObsScaling.Shell;

/// <summary>
/// Owns the runspace (Core cmdlets from <see cref="InitialSessionState.CreateDefault2"/> plus the located
/// modules) and runs pipelines in it, streaming output, errors and progress to the renderers.
/// </summary>
internal sealed class ShellHost : IDisposable
{
    private readonly ShellConsole _console;
    private readonly ObsPSHost _host;
    private readonly Runspace _runspace;
    private readonly Lock _gate = new();
    private System.Management.Automation.PowerShell? _current;

    private ShellHost(ShellConsole console, ObsPSHost host, Runspace runspace)
    {
        _console = console;
        _host = host;
        _runspace = runspace;
    }

    public IReadOnlyList<string> LoadedModules { get; private set; } = [];

    /// <summary>Opens the runspace and imports <paramref name="modules"/>; a module that fails to import is reported and skipped.</summary>
    public static ShellHost Open(ShellConsole console, IReadOnlyList<string> modules)
    {
        var ui = new ObsHostUserInterface(console.OutWriter, console.ErrorWriter, console.Input);
        var host = new ObsPSHost(ui);
        var runspace = RunspaceFactory.CreateRunspace(host, InitialSessionState.CreateDefault2());
        runspace.Open();
        var shell = new ShellHost(console, host, runspace);
        shell.LoadedModules = [.. modules.Where(shell.Import)];
        return shell;
    }

    public PipelineOutcome RunCommand(string text) => Run(ps => ps.AddScript(text));

    public PipelineOutcome RunFile(string path, IReadOnlyList<string> args)
    {
        var (script, values) = ScriptInvocation.Build(args);
        return Run(ps => ps.AddScript(script).AddParameter(ScriptInvocation.FileParameter, Path.GetFullPath(path)).AddParameter(ScriptInvocation.ArgsParameter, values));
    }

    /// <summary>Stops the running pipeline, if any (Ctrl+C).</summary>
    public bool StopCurrent()
    {
        System.Management.Automation.PowerShell? current;
        lock (_gate)
        {
            current = _current;
        }

        // BeginStop: Stop() would block the signal handler until the pipeline unwinds.
        current?.BeginStop(null, null);
        return current is not null;
    }

    public void Dispose() => _runspace.Dispose();

    private bool Import(string path)
    {
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = _runspace;
        ps.AddCommand("Import-Module").AddParameter("Name", path).AddParameter("ErrorAction", ActionPreference.Stop);
        try
        {
            ps.Invoke();
            return !ps.HadErrors;
        }
        catch (RuntimeException ex)
        {
            _console.ErrorConsole.MarkupLine($"[yellow]{Markup.Escape($"WARNING: module {path} was not loaded: {ex.Message}")}[/]");
            return false;
        }
    }

    private PipelineOutcome Run(Action<System.Management.Automation.PowerShell> configure)
    {
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = _runspace;
        configure(ps);
        _host.ResetExitCode();

        var renderer = _console.CreateOutputRenderer();
        var errors = new ErrorRenderer(_console.ErrorConsole);
        using var progress = _console.CreateProgressRenderer();
        var output = new PSDataCollection<PSObject>();
        output.DataAdded += (_, e) => renderer.Write(output[e.Index]);
        ps.Streams.Error.DataAdded += (_, e) => errors.Write(ps.Streams.Error[e.Index]);
        ps.Streams.Progress.DataAdded += (_, e) => progress.Update(ps.Streams.Progress[e.Index]);

        lock (_gate)
        {
            _current = ps;
        }

        var status = PipelineStatus.Completed;
        try
        {
            ps.Invoke(null, output);
        }
        catch (PipelineStoppedException)
        {
            status = PipelineStatus.Stopped;
        }
        catch (RuntimeException ex)
        {
            progress.Stop();
            errors.Write(ex.ErrorRecord);
            status = PipelineStatus.Failed;
        }
        catch (InvalidOperationException ex)
        {
            // Engine-level failures (e.g. a broken runspace) are not RuntimeExceptions but still end the pipeline.
            progress.Stop();
            errors.Write(new ErrorRecord(ex, "EngineFailure", ErrorCategory.NotSpecified, null));
            status = PipelineStatus.Failed;
        }
        finally
        {
            lock (_gate)
            {
                _current = null;
            }

            progress.Stop();
            renderer.Complete();
        }

        if (status == PipelineStatus.Completed && ps.InvocationStateInfo.State == PSInvocationState.Stopped)
        {
            status = PipelineStatus.Stopped;
        }

        return _host.ExitCode is int code && status != PipelineStatus.Stopped ? new PipelineOutcome(PipelineStatus.Exited, code) : new PipelineOutcome(status);
    }
}
