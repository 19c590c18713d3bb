namespace ObsScaling.Compare;

/// <summary>
/// Synthetic benchmark scores at any size, drawn like <see cref="Core.Synthetic.SyntheticZoo"/>'s (which stops at
/// 1,000 families × 12 models): a 3-D latent capability, one chance-floored sigmoid response per benchmark, noise
/// 0.01, and a missing-completely-at-random mask.
/// </summary>
internal static class ScaleMatrix
{
    public static double[,] Generate(int models, int benchmarks, double missingFraction, int seed)
    {
        var rng = new Random(seed);
        const int Latent = 3;
        var spread = new[] { 1.0, 0.5, 0.25 };
        var loadings = new double[benchmarks, Latent];
        var bases = new double[benchmarks];
        var chance = new double[benchmarks];
        for (var j = 0; j < benchmarks; j++)
        {
            chance[j] = new[] { 0, 0.25, 0.5 }[j % 3];
            bases[j] = -0.5 + rng.NextDouble();
            for (var d = 0; d < Latent; d++)
            {
                loadings[j, d] = d == 0 ? 0.6 + (0.8 * rng.NextDouble()) : 0.8 * Normal(rng);
            }
        }

        var x = new double[models, benchmarks];
        var latent = new double[Latent];
        for (var i = 0; i < models; i++)
        {
            for (var d = 0; d < Latent; d++)
            {
                latent[d] = spread[d] * Normal(rng);
            }

            for (var j = 0; j < benchmarks; j++)
            {
                var z = bases[j];
                for (var d = 0; d < Latent; d++)
                {
                    z += loadings[j, d] * latent[d];
                }

                var score = chance[j] + ((1 - chance[j]) / (1 + Math.Exp(-z))) + (0.01 * Normal(rng));
                x[i, j] = rng.NextDouble() < missingFraction ? double.NaN : Math.Clamp(score, 0, 1);
            }
        }

        return x;
    }

    internal static double Normal(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
