namespace ObsScaling.PowerShell.Model;

/// <summary>The session's connection to an ObsScaling server.</summary>
public sealed class ObsConnection
{
    public string Endpoint { get; set; } = "";

    /// <summary>True for the local server the module started itself.</summary>
    public bool Embedded { get; set; }

    public bool ApiKeySet { get; set; }

    public int? ServerProcessId { get; set; }

    public string? DatabasePath { get; set; }

    public DateTime ConnectedAt { get; set; }

    public override string ToString() => Endpoint;
}
