namespace ObsScaling.Core.Irt;

/// <summary>
/// One benchmark of an item-response fit: expected score = f + (1 − f)·σ(α·(C − D)) for a model of capability C.
/// <see cref="Difficulty"/> D is the capability at which a model is halfway between the floor and a perfect score;
/// <see cref="Slope"/> α is how sharply the benchmark separates models around it (large α: it saturates quickly).
/// </summary>
/// <param name="Floor">The chance floor f in [0, 1); 0 when the fit was made without floors.</param>
public sealed record BenchmarkItem(string Name, double Difficulty, double Slope, double Floor = 0)
{
    /// <summary>How many scores the benchmark had in the fit (0 for an item restored from storage).</summary>
    public int ScoreCount { get; init; }

    /// <summary>True for the anchor, whose difficulty (0) and slope (1) were fixed rather than fitted.</summary>
    public bool IsAnchor { get; init; }

    public double ExpectedScore(double capability) => Floor + ((1 - Floor) * Laws.FittedLaw.Sigmoid(Slope * (capability - Difficulty)));
}
