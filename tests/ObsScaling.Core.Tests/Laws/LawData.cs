using ObsScaling.Core.Laws;

namespace ObsScaling.Core.Tests.Laws;

/// <summary>Synthetic data from a known law, with deterministic Gaussian noise.</summary>
internal static class LawData
{
    public static (double[,] X, double[] Y) Generate(LawLink link, double intercept, double[] weights, double floor, int n, double noise, int seed, double spread = 2.0)
    {
        var rng = new Random(seed);
        var d = weights.Length;
        var x = new double[n, d];
        var y = new double[n];
        var law = Law(link, intercept, weights, floor);
        var row = new double[d];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < d; j++)
            {
                row[j] = x[i, j] = spread * Normal(rng) / (j + 1);
            }

            y[i] = law.Predict(row) + (noise * Normal(rng));
            if (link != LawLink.Linear)
            {
                y[i] = Math.Clamp(y[i], 0, 1);
            }
        }

        return (x, y);
    }

    public static FittedLaw Law(LawLink link, double intercept, double[] weights, double floor) => new()
    {
        Link = link,
        Loss = LossKind.Squared,
        Intercept = intercept,
        Weights = weights,
        Floor = floor,
        Converged = true,
        Iterations = 0,
        Message = "",
        Residuals = [],
        TrainMse = 0,
        Covariance = new double[0, 0],
    };

    public static double[] Row(double[,] x, int i) => Enumerable.Range(0, x.GetLength(1)).Select(j => x[i, j]).ToArray();

    public static double[] Parameters(FittedLaw fit) => ScipyAgreementTests.Parameters(fit);

    private static double Normal(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
