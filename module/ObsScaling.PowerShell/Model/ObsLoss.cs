namespace ObsScaling.PowerShell.Model;

/// <summary>The loss the law minimises.</summary>
public enum ObsLoss
{
    Squared,

    /// <summary>Huber loss with threshold -HuberDelta.</summary>
    Huber,
}
