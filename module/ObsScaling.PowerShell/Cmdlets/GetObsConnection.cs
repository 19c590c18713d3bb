using System.Management.Automation;
using System.Management.Automation.Runspaces;
using ObsScaling.PowerShell.Model;
using ObsScaling.PowerShell.Session;

namespace ObsScaling.PowerShell.Cmdlets;

/// <summary>The session's connection (nothing when no cmdlet has needed the service yet).</summary>
[Cmdlet(VerbsCommon.Get, "ObsConnection")]
[OutputType(typeof(ObsConnection))]
public sealed class GetObsConnection : PSCmdlet
{
    protected override void ProcessRecord()
    {
        var c = ObsSession.Peek(Runspace.DefaultRunspace);
        if (c is null)
        {
            return;
        }

        var server = c.IsEmbedded ? ObsSession.Server : null;
        WriteObject(new ObsConnection
        {
            Endpoint = c.Endpoint,
            Embedded = c.IsEmbedded,
            ApiKeySet = !string.IsNullOrEmpty(c.ApiKey),
            ServerProcessId = server?.ProcessId,
            DatabasePath = server?.DatabasePath,
            SharedServer = server?.IsShared,
            ConnectedAt = c.ConnectedAt,
        });
    }
}
