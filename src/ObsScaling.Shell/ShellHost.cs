using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace ObsScaling.Shell;

/// <summary>
/// Owns the runspace — <see cref="InitialSessionState.CreateDefault"/> (every built-in cmdlet, format and type
/// file of the PowerShell SDK) plus the located modules — and runs pipelines in it the way pwsh's console host
/// does: errors merged into the output and everything piped to <c>Out-Default</c>, so PowerShell's own
/// formatter (with the modules' format.ps1xml) writes tables, lists, help and errors through the host.
/// </summary>
internal sealed class ShellHost : IDisposable
{
    private const string LastStatementVariable = "__obsLastStatementSucceeded";

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

    public Runspace Runspace => _runspace;

    /// <summary>Opens the runspace and imports <paramref name="modules"/>; a module that fails to import is reported and skipped.</summary>
    public static ShellHost Open(ShellConsole console, IReadOnlyList<string> modules)
    {
        if (!console.OutputAnsi)
        {
            // As pwsh does for NO_COLOR: $PSStyle consumers (e.g. Format-Table headers) see plain text too.
            PSStyle.Instance.OutputRendering = OutputRendering.PlainText;
        }

        var progress = new ProgressRenderer(console.Error, console.ErrorIsTerminal, console.ErrorAnsi, () => console.Width);
        var host = new ObsPSHost(new ObsHostUserInterface(console, progress));
        var state = InitialSessionState.CreateDefault();
        state.Commands.Add(new SessionStateCmdletEntry(OutShellJsonCommand.Name, typeof(OutShellJsonCommand), null));
        var runspace = RunspaceFactory.CreateRunspace(host, state);
        runspace.Open();
        var shell = new ShellHost(console, host, runspace);
        shell.LoadedModules = [.. modules.Where(shell.Import)];
        return shell;
    }

    /// <summary>Runs command text; it fails (exit 1) when its last statement failed (<c>$?</c> false), as <c>pwsh -Command</c>.</summary>
    public PipelineOutcome RunCommand(string text, bool addToHistory = false)
    {
        _runspace.SessionStateProxy.PSVariable.Remove(LastStatementVariable);
        // The statement is appended on its own line (which also ends a trailing comment): in the same script it
        // reads the last statement's $?; a later pipeline would see $? of the pipeline as a whole.
        var started = DateTime.Now;
        var outcome = Run(ps => ps.AddScript(text + "\n$global:" + LastStatementVariable + " = $?"), lastStatementDecides: true);
        if (addToHistory)
        {
            AddHistory(text, outcome, started);
        }

        return outcome;
    }

    /// <summary>Runs a script; as <c>pwsh -File</c>, only <c>exit N</c> or a terminating error sets a non-zero code.</summary>
    public PipelineOutcome RunFile(string path, IReadOnlyList<string> args)
    {
        var (script, values) = ScriptInvocation.Build(args);
        return Run(ps => ps.AddScript(script).AddParameter(ScriptInvocation.FileParameter, Path.GetFullPath(path)).AddParameter(ScriptInvocation.ArgsParameter, values), lastStatementDecides: false);
    }

    /// <summary>The text of the <c>prompt</c> function, as pwsh shows it (default <c>PS path&gt; </c>).</summary>
    public string Prompt()
    {
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = _runspace;
        try
        {
            var text = string.Concat(ps.AddCommand("prompt").Invoke().Select(o => o?.ToString()));
            return text.Length > 0 ? text : "PS> ";
        }
        catch (RuntimeException)
        {
            return "PS> ";
        }
    }

    /// <summary>Tab completion of <paramref name="input"/> at <paramref name="cursor"/>, by the engine's completers.</summary>
    public CommandCompletion Complete(string input, int cursor)
    {
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = _runspace;
        return CommandCompletion.CompleteInput(input, cursor, null, ps);
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
            _host.UI.WriteWarningLine($"module {path} was not loaded: {ex.Message}");
            return false;
        }
    }

    // The text as typed, not the text run (which carries the $? probe), is what Get-History and Invoke-History see.
    private void AddHistory(string text, PipelineOutcome outcome, DateTime started)
    {
        var entry = new PSObject();
        entry.Properties.Add(new PSNoteProperty("CommandLine", text));
        entry.Properties.Add(new PSNoteProperty("ExecutionStatus", outcome.Status switch
        {
            PipelineStatus.Failed => PipelineState.Failed,
            PipelineStatus.Stopped => PipelineState.Stopped,
            _ => PipelineState.Completed,
        }));
        entry.Properties.Add(new PSNoteProperty("StartExecutionTime", started));
        entry.Properties.Add(new PSNoteProperty("EndExecutionTime", DateTime.Now));
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = _runspace;
        try
        {
            ps.AddCommand("Add-History").AddParameter("InputObject", entry).Invoke();
        }
        catch (RuntimeException)
        {
            // History is a convenience; a statement that ran must not fail because it could not be recorded.
        }
    }

    private PipelineOutcome Run(Action<System.Management.Automation.PowerShell> configure, bool lastStatementDecides)
    {
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = _runspace;
        configure(ps);
        ps.Commands.Commands[0].MergeMyResults(PipelineResultTypes.Error, PipelineResultTypes.Output);
        if (_console.Format == OutputFormat.Json)
        {
            ps.AddCommand(OutShellJsonCommand.Name);
        }

        ps.AddCommand("Out-Default");
        _host.ResetExitCode();

        lock (_gate)
        {
            _current = ps;
        }

        var status = PipelineStatus.Completed;
        try
        {
            ps.Invoke();
        }
        catch (PipelineStoppedException)
        {
            status = PipelineStatus.Stopped;
        }
        catch (RuntimeException ex)
        {
            status = PipelineStatus.Failed;
            Report(ex.ErrorRecord);
        }
        catch (InvalidOperationException ex)
        {
            // Engine-level failures (e.g. a broken runspace) are not RuntimeExceptions but still end the pipeline.
            status = PipelineStatus.Failed;
            Report(new ErrorRecord(ex, "EngineFailure", ErrorCategory.NotSpecified, null));
        }
        finally
        {
            lock (_gate)
            {
                _current = null;
            }

            ((ObsHostUserInterface)_host.UI).Progress.Clear();
        }

        if (status == PipelineStatus.Completed && ps.InvocationStateInfo.State == PSInvocationState.Stopped)
        {
            status = PipelineStatus.Stopped;
        }

        if (_host.ExitCode is int code && status != PipelineStatus.Stopped)
        {
            return new PipelineOutcome(PipelineStatus.Exited, code);
        }

        if (status == PipelineStatus.Completed && lastStatementDecides && !LastStatementSucceeded())
        {
            status = PipelineStatus.Failed;
        }

        return new PipelineOutcome(status);
    }

    // Missing when the text ended early (a top-level return), which pwsh counts as success.
    private bool LastStatementSucceeded()
    {
        var value = _runspace.SessionStateProxy.PSVariable.GetValue(LastStatementVariable);
        _runspace.SessionStateProxy.PSVariable.Remove(LastStatementVariable);
        return value is not false;
    }

    // A terminating error ends the pipeline before Out-Default sees it: PowerShell's error view ($ErrorView,
    // ConciseView by default) formats it, as pwsh does, and the host writes it to stderr.
    private void Report(ErrorRecord record)
    {
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = _runspace;
        string text;
        try
        {
            text = string.Concat(ps.AddCommand("Out-String").Invoke(new[] { record }).Select(o => o?.ToString()));
        }
        catch (RuntimeException)
        {
            text = record.ToString();
        }

        // The error view renders nothing for the command text's own parse errors (pwsh -Command prints nothing
        // at all for them); obs names the category and the parser's message.
        _host.UI.WriteErrorLine(string.IsNullOrWhiteSpace(text) ? $"{record.CategoryInfo.Category}: {record.Exception?.Message}" : text.Trim('\r', '\n'));
    }
}
