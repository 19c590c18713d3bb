namespace ObsScaling.Core.Laws;

public enum LossKind
{
    Squared,

    /// <summary>Huber ρ(r) = ½r² for |r| ≤ δ, δ(|r| − ½δ) beyond (summed).</summary>
    Huber,
}
