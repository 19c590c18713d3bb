namespace ObsScaling.PowerShell.Model;

/// <summary>One benchmark of an item-response model: expected score = Floor + (1 − Floor)·σ(Slope·(C − Difficulty)).</summary>
public sealed class ObsBenchmarkItem
{
    public string Benchmark { get; set; } = "";

    public double Difficulty { get; set; }

    public double Slope { get; set; }

    public double Floor { get; set; }

    public int ScoreCount { get; set; }

    /// <summary>The benchmark that fixes the scale (difficulty 0, slope 1).</summary>
    public bool Anchor { get; set; }

    public override string ToString() => Benchmark;
}
