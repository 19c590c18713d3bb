using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace ObsScaling.Shell;

/// <summary>
/// Host UI for <c>$host.UI.*</c> calls made by scripts. Progress is deliberately ignored here: the engine
/// also copies every progress record into <c>PowerShell.Streams.Progress</c>, which is where the shell
/// renders it, so handling it twice would draw every bar twice.
/// </summary>
internal sealed class ObsHostUserInterface : PSHostUserInterface
{
    private readonly TextWriter _out;
    private readonly TextWriter _err;
    private readonly TextReader _in;

    public ObsHostUserInterface(TextWriter output, TextWriter error, TextReader input)
    {
        _out = output;
        _err = error;
        _in = input;
    }

    public override PSHostRawUserInterface? RawUI => null;

    public override string ReadLine() => _in.ReadLine() ?? string.Empty;

    public override SecureString ReadLineAsSecureString()
    {
        var secure = new SecureString();
        foreach (var c in ReadLine())
        {
            secure.AppendChar(c);
        }

        secure.MakeReadOnly();
        return secure;
    }

    public override void Write(string value) => _out.Write(value);

    public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => _out.Write(value);

    public override void WriteLine(string value) => _out.WriteLine(value);

    public override void WriteErrorLine(string value) => _err.WriteLine(value);

    public override void WriteDebugLine(string message) => _err.WriteLine("DEBUG: " + message);

    public override void WriteVerboseLine(string message) => _err.WriteLine("VERBOSE: " + message);

    public override void WriteWarningLine(string message) => _err.WriteLine("WARNING: " + message);

    public override void WriteProgress(long sourceId, ProgressRecord record)
    {
    }

    public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) =>
        throw new NotSupportedException("obs cannot prompt for parameters; pass them on the command line.");

    public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice) =>
        defaultChoice >= 0 ? defaultChoice : throw new NotSupportedException("obs cannot prompt for a choice.");

    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
        throw new NotSupportedException("obs cannot prompt for credentials.");

    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) =>
        throw new NotSupportedException("obs cannot prompt for credentials.");
}
