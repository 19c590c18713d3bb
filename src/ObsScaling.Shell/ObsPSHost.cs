using System.Globalization;
using System.Management.Automation.Host;

namespace ObsScaling.Shell;

/// <summary>
/// The engine's PSHost. Besides the UI, it exists so that a top-level <c>exit N</c> reaches us: the default
/// host swallows <see cref="SetShouldExit"/>, which would lose the script's exit code.
/// </summary>
internal sealed class ObsPSHost : PSHost
{
    private readonly ObsHostUserInterface _ui;

    public ObsPSHost(ObsHostUserInterface ui) => _ui = ui;

    /// <summary>The code passed to the last top-level <c>exit</c>, or null when none ran.</summary>
    public int? ExitCode { get; private set; }

    public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;

    public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;

    public override Guid InstanceId { get; } = Guid.NewGuid();

    public override string Name => "ObsScaling.Shell";

    public override PSHostUserInterface UI => _ui;

    public override Version Version => typeof(ObsPSHost).Assembly.GetName().Version ?? new Version(0, 0);

    public void ResetExitCode() => ExitCode = null;

    public override void SetShouldExit(int exitCode) => ExitCode = exitCode;

    public override void EnterNestedPrompt() => throw new NotSupportedException("obs has no nested prompts.");

    public override void ExitNestedPrompt() => throw new NotSupportedException("obs has no nested prompts.");

    public override void NotifyBeginApplication()
    {
    }

    public override void NotifyEndApplication()
    {
    }
}
