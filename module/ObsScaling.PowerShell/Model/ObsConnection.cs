namespace ObsScaling.PowerShell.Model;

/// <summary>The session's connection to an ObsScaling server.</summary>
public sealed class ObsConnection
{
    public string Endpoint { get; set; } = "";

    /// <summary>True for the module's local server (started by this session or found running for the same database).</summary>
    public bool Embedded { get; set; }

    public bool ApiKeySet { get; set; }

    public int? ServerProcessId { get; set; }

    public string? DatabasePath { get; set; }

    /// <summary>True when the local server is shared and warm (outlives this session; $env:OBSSCALING_SERVER_IDLE); null for a remote one.</summary>
    public bool? SharedServer { get; set; }

    public DateTime ConnectedAt { get; set; }

    public override string ToString() => Endpoint;
}
