namespace ObsScaling.Core.Selection;

/// <summary>How far the enumeration has got, in family combinations.</summary>
public readonly record struct SubsetSearchProgress(long Done, long Total)
{
    public double Fraction => Total == 0 ? 1.0 : (double)Done / Total;
}
