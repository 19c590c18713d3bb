namespace ObsScaling.Core.Tests.Selection;

/// <summary>A random candidate pool: rows grouped by family, Gaussian PC scores.</summary>
internal sealed record SyntheticPool(double[,] Scores, string[] Families, string[] Models)
{
    public static SyntheticPool Create(Random rng, IReadOnlyList<int> familySizes, int columns)
    {
        var n = familySizes.Sum();
        var scores = new double[n, columns];
        var families = new string[n];
        var models = new string[n];
        var row = 0;
        for (var f = 0; f < familySizes.Count; f++)
        {
            for (var m = 0; m < familySizes[f]; m++, row++)
            {
                families[row] = $"F{f:00}";
                models[row] = $"F{f:00}-m{m}";
                for (var j = 0; j < columns; j++)
                {
                    scores[row, j] = NextGaussian(rng) / (j + 1);
                }
            }
        }

        return new SyntheticPool(scores, families, models);
    }

    /// <summary>The default-pool shape of the guide notebook: 77 models in 21 families, first family of 3.</summary>
    public static SyntheticPool GuideShaped(int seed = 1)
    {
        int[] sizes = [3, 4, 2, 5, 5, 1, 1, 4, 2, 4, 3, 8, 6, 3, 7, 2, 4, 4, 3, 3, 3];
        return Create(new Random(seed), sizes, 3);
    }

    private static double NextGaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
