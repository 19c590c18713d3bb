using CsCheck;
using ObsScaling.Core.Laws;

namespace ObsScaling.Core.Tests.Laws;

public class InvarianceTests
{
    private static readonly Gen<(int Seed, LawLink Link, int Column)> Problems =
        Gen.Select(Gen.Int[0, 1_000_000], Gen.Int[0, 2], Gen.Int[0, 2], (seed, link, column) => (seed, (LawLink)link, column));

    [Fact]
    public void Flipping_a_predictor_flips_its_weight_and_keeps_predictions()
    {
        Problems.Sample((seed, link, column) =>
        {
            var (x, y) = Data(link, seed);
            var flipped = (double[,])x.Clone();
            for (var i = 0; i < y.Length; i++)
            {
                flipped[i, column] = -x[i, column];
            }

            var options = new ScalingLawOptions { Link = link };
            var a = ScalingLawFitter.Fit(x, y, options);
            var b = ScalingLawFitter.Fit(flipped, y, options);

            Assert.True(a.Converged && b.Converged, a.Message + " / " + b.Message);
            for (var j = 0; j < 3; j++)
            {
                var expected = j == column ? -a.Weights[j] : a.Weights[j];
                Assert.Equal(expected, b.Weights[j], 1e-6);
            }

            Assert.Equal(a.Intercept, b.Intercept, 1e-6);
            Assert.Equal(a.Floor, b.Floor, 1e-6);
            for (var i = 0; i < y.Length; i++)
            {
                Assert.Equal(a.Predict(LawData.Row(x, i)), b.Predict(LawData.Row(flipped, i)), 1e-8);
            }
        }, iter: 40);
    }

    [Fact]
    public void Row_order_does_not_change_the_fit()
    {
        Problems.Sample((seed, link, _) =>
        {
            var (x, y) = Data(link, seed);
            var order = Enumerable.Range(0, y.Length).OrderBy(i => (i * 7919 + seed) % y.Length).ToArray();
            var px = new double[y.Length, 3];
            var py = new double[y.Length];
            for (var i = 0; i < y.Length; i++)
            {
                py[i] = y[order[i]];
                for (var j = 0; j < 3; j++)
                {
                    px[i, j] = x[order[i], j];
                }
            }

            var options = new ScalingLawOptions { Link = link };
            var a = LawData.Parameters(ScalingLawFitter.Fit(x, y, options));
            var b = LawData.Parameters(ScalingLawFitter.Fit(px, py, options));
            for (var j = 0; j < a.Length; j++)
            {
                Assert.Equal(a[j], b[j], 1e-7);
            }
        }, iter: 40);
    }

    private static (double[,] X, double[] Y) Data(LawLink link, int seed)
    {
        var rng = new Random(seed);
        double[] w = [0.5 + rng.NextDouble(), rng.NextDouble() - 0.5, rng.NextDouble() - 0.5];
        var floor = link == LawLink.SigmoidWithFloor ? 0.15 * rng.NextDouble() : 0;
        return LawData.Generate(link, rng.NextDouble() - 0.5, w, floor, n: 30, noise: 0.02, seed: seed);
    }
}
