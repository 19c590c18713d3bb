using ObsScaling.Core.Laws;

namespace ObsScaling.Core.Irt;

/// <summary>
/// One model's capability with the benchmarks' parameters held fixed: the global minimiser of
/// φ(C) = ½·Σ_b (f_b + (1 − f_b)·σ(α_b(C − D_b)) − y_b)² + ½·λ·C².
/// </summary>
/// <remarks>
/// φ is a sum of one-humped terms, so it can have several local minima when a model's scores disagree (high on a hard
/// benchmark, low on an easy one); a Newton iteration from one start could settle in the wrong one. The search
/// therefore scans a grid fine enough to resolve the steepest benchmark's curve over a range that covers every
/// benchmark's transition with 40 logits of the flattest one to spare, then polishes the best grid point by Newton
/// steps on φ′ safeguarded by bisection within the neighbouring grid points.
/// </remarks>
internal static class CapabilitySearch
{
    private const double Margin = 40;

    /// <summary>Grid points per unit of the steepest slope's logit: 8 per logit resolves every hump of φ.</summary>
    private const double PointsPerLogit = 8;

    private const int MinPoints = 400;

    private const int MaxPoints = 200_000;

    /// <summary>The minimiser and φ″ there (the ridge included).</summary>
    public static (double Capability, double Curvature) Minimize(ReadOnlySpan<double> scores, ReadOnlySpan<double> difficulty, ReadOnlySpan<double> slope, ReadOnlySpan<double> floor, double ridge)
    {
        double lo = 0, hi = 0, flattest = double.PositiveInfinity, steepest = 0;
        for (var b = 0; b < scores.Length; b++)
        {
            lo = Math.Min(lo, difficulty[b]);
            hi = Math.Max(hi, difficulty[b]);
            var a = Math.Abs(slope[b]);
            if (a > 0)
            {
                flattest = Math.Min(flattest, a);
                steepest = Math.Max(steepest, a);
            }
        }

        if (steepest == 0)
        {
            // No benchmark responds to capability: only the ridge speaks.
            return (0, ridge);
        }

        lo -= Margin / flattest;
        hi += Margin / flattest;
        var points = (int)Math.Clamp(Math.Ceiling((hi - lo) * steepest * PointsPerLogit), MinPoints, MaxPoints);
        var spacing = (hi - lo) / (points - 1);
        var best = 0;
        var bestValue = double.PositiveInfinity;
        for (var i = 0; i < points; i++)
        {
            var value = Value(lo + (i * spacing), scores, difficulty, slope, floor, ridge);
            if (value < bestValue)
            {
                bestValue = value;
                best = i;
            }
        }

        var x = lo + (best * spacing);
        var left = best == 0 ? x : x - spacing;
        var right = best == points - 1 ? x : x + spacing;
        if (!(Derivatives(left, scores, difficulty, slope, floor, ridge).Gradient < 0 && Derivatives(right, scores, difficulty, slope, floor, ridge).Gradient > 0))
        {
            // The minimum is at an end of the range (a model beyond every benchmark with no ridge to stop it).
            return (x, Derivatives(x, scores, difficulty, slope, floor, ridge).Curvature);
        }

        for (var iteration = 0; iteration < 200; iteration++)
        {
            var (g, h) = Derivatives(x, scores, difficulty, slope, floor, ridge);
            if (g == 0)
            {
                break;
            }

            if (g < 0)
            {
                left = x;
            }
            else
            {
                right = x;
            }

            var next = h > 0 ? x - (g / h) : double.NaN;
            if (!(next > left && next < right))
            {
                next = 0.5 * (left + right);
            }

            var moved = Math.Abs(next - x);
            x = next;
            if (moved <= 4 * double.Epsilon + (4.5e-16 * Math.Abs(x)) || right - left <= 4.5e-16 * Math.Max(1, Math.Abs(x)))
            {
                break;
            }
        }

        return (x, Derivatives(x, scores, difficulty, slope, floor, ridge).Curvature);
    }

    private static double Value(double c, ReadOnlySpan<double> y, ReadOnlySpan<double> d, ReadOnlySpan<double> a, ReadOnlySpan<double> f, double ridge)
    {
        var sum = ridge * c * c;
        for (var b = 0; b < y.Length; b++)
        {
            var r = f[b] + ((1 - f[b]) * FittedLaw.Sigmoid(a[b] * (c - d[b]))) - y[b];
            sum += r * r;
        }

        return 0.5 * sum;
    }

    private static (double Gradient, double Curvature) Derivatives(double c, ReadOnlySpan<double> y, ReadOnlySpan<double> d, ReadOnlySpan<double> a, ReadOnlySpan<double> f, double ridge)
    {
        var g = ridge * c;
        var h = ridge;
        for (var b = 0; b < y.Length; b++)
        {
            var w = 1 - f[b];
            var e = FittedLaw.Sigmoid(a[b] * (c - d[b]));
            var s1 = w * e * (1 - e) * a[b];
            var s2 = w * e * (1 - e) * (1 - (2 * e)) * a[b] * a[b];
            var r = f[b] + (w * e) - y[b];
            g += r * s1;
            h += (s1 * s1) + (r * s2);
        }

        return (g, h);
    }
}
