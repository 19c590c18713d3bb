using System.Management.Automation;
using System.Management.Automation.Runspaces;
using ObsScaling.PowerShell.Model;
using ObsScaling.PowerShell.Session;

namespace ObsScaling.PowerShell.Cmdlets;

/// <summary>Drops the session's connection; the embedded server stops when no session uses it any more.</summary>
[Cmdlet(VerbsCommunications.Disconnect, "ObsServer")]
[OutputType(typeof(ObsConnection))]
public sealed class DisconnectObsServer : PSCmdlet
{
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var server = ObsSession.Server;
        var pid = server?.ProcessId;
        var database = server?.DatabasePath;
        var dropped = ObsSession.Disconnect(Runspace.DefaultRunspace);
        if (dropped is null)
        {
            WriteVerbose("The session was not connected.");
        }
        else if (PassThru)
        {
            WriteObject(new ObsConnection
            {
                Endpoint = dropped.Endpoint,
                Embedded = dropped.IsEmbedded,
                ApiKeySet = !string.IsNullOrEmpty(dropped.ApiKey),
                ServerProcessId = dropped.IsEmbedded ? pid : null,
                DatabasePath = dropped.IsEmbedded ? database : null,
                ConnectedAt = dropped.ConnectedAt,
            });
        }
    }
}
