using System.Management.Automation;
using System.Management.Automation.Runspaces;
using Grpc.Core;
using ObsScaling.PowerShell.Model;
using ObsScaling.PowerShell.Session;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.PowerShell.Cmdlets;

/// <summary>Connects the session to an ObsScaling server (instead of the embedded one) and checks that it answers.</summary>
[Cmdlet(VerbsCommunications.Connect, "ObsServer")]
[OutputType(typeof(ObsConnection))]
public sealed class ConnectObsServer : PSCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Uri", "Url")]
    public Uri Endpoint { get; set; } = null!;

    /// <summary>Sent as "authorization: Bearer &lt;key&gt;" on every call.</summary>
    [Parameter]
    public string? ApiKey { get; set; }

    /// <summary>Connect without checking that the server answers.</summary>
    [Parameter]
    public SwitchParameter SkipCheck { get; set; }

    protected override void ProcessRecord()
    {
        if (!Endpoint.IsAbsoluteUri || (Endpoint.Scheme != Uri.UriSchemeHttp && Endpoint.Scheme != Uri.UriSchemeHttps))
        {
            ThrowTerminatingError(ObsErrors.InvalidArgument("Endpoint", Endpoint, "must be an absolute http:// or https:// URL, e.g. http://127.0.0.1:5080"));
        }

        // Checked before it replaces anything: a failed connect keeps the session's previous connection.
        var connection = ObsSession.Connect(null, Endpoint, ApiKey);
        if (!SkipCheck)
        {
            try
            {
                connection.Client.ListDatasets(new V1.ListDatasetsRequest { PageSize = 1 }, new CallOptions(headers: connection.Headers(), deadline: DateTime.UtcNow.AddSeconds(15)));
            }
            catch (RpcException ex)
            {
                connection.Dispose();
                ObsSession.ConnectFailed(Runspace.DefaultRunspace, connection.Endpoint);
                ThrowTerminatingError(ObsErrors.FromRpc(ex, connection.Endpoint, connection.Endpoint));
            }
        }

        ObsSession.Adopt(Runspace.DefaultRunspace, connection);

        WriteObject(new ObsConnection
        {
            Endpoint = connection.Endpoint,
            Embedded = false,
            ApiKeySet = !string.IsNullOrEmpty(connection.ApiKey),
            ConnectedAt = connection.ConnectedAt,
        });
    }
}
