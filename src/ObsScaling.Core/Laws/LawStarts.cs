using ObsScaling.Core.Numerics;

namespace ObsScaling.Core.Laws;

/// <summary>Deterministic starting points for the sigmoid fits.</summary>
internal static class LawStarts
{
    /// <summary>The reference's p0: c = 0, every weight 0.03, floor 0.</summary>
    public const double ReferenceWeight = 0.03;

    /// <summary>
    /// Clipping for the logit initialisation. Exact zeros are common (benchmarks at chance level) and an unclipped
    /// logit would send them to −∞; 1% keeps them influential without dominating the fit.
    /// </summary>
    private const double LogitClip = 0.01;

    /// <summary>
    /// Rows of starts (each of length m): the reference p0 first, then <paramref name="extra"/> others — a
    /// logit-linear least-squares fit on clipped y, for the floor link a second one with y's minimum (clamped to the
    /// floor's range) taken out as floor, then the logit fit with its slopes scaled by ½, 2, ¼, 4, … about the mean
    /// of x, which keeps the curve's centre while trying flatter and steeper transitions.
    /// </summary>
    public static double[][] Build(double[] design, int k, double[] y, bool hasFloor, double floorMax, int extra)
    {
        var m = hasFloor ? k + 1 : k;
        var starts = new List<double[]>(1 + extra);
        var reference = new double[m];
        for (var j = 1; j < k; j++)
        {
            reference[j] = ReferenceWeight;
        }

        starts.Add(reference);
        if (extra == 0)
        {
            return [.. starts];
        }

        var logit = LogitLinear(design, k, y, 0.0, m);
        var candidates = new List<double[]> { logit };
        if (hasFloor)
        {
            var floor = Math.Clamp(y.Min(), 0.0, floorMax);
            if (floor > 0)
            {
                candidates.Add(LogitLinear(design, k, y, floor, m));
            }
        }

        var mean = new double[k];
        for (var i = 0; i < y.Length; i++)
        {
            for (var j = 1; j < k; j++)
            {
                mean[j] += design[(i * k) + j] / y.Length;
            }
        }

        for (var power = 1; candidates.Count < extra; power++)
        {
            // Alternating ½, 2, ¼, 4, …
            var factor = Math.Pow(2, (power % 2 == 1 ? -1 : 1) * ((power + 1) / 2));
            candidates.Add(Scaled(logit, mean, k, factor));
        }

        starts.AddRange(candidates.Take(extra));
        return [.. starts];
    }

    private static double[] LogitLinear(double[] design, int k, double[] y, double floor, int m)
    {
        var t = new double[y.Length];
        for (var i = 0; i < y.Length; i++)
        {
            var u = Math.Clamp((y[i] - floor) / (1 - floor), LogitClip, 1 - LogitClip);
            t[i] = Math.Log(u / (1 - u));
        }

        var p = new double[m];
        WeightedLeastSquares.Solve(design, k, t, default, p.AsSpan(0, k));
        if (m > k)
        {
            p[k] = floor;
        }

        return p;
    }

    private static double[] Scaled(double[] start, double[] mean, int k, double factor)
    {
        var p = (double[])start.Clone();
        var shift = 0.0;
        for (var j = 1; j < k; j++)
        {
            p[j] = factor * start[j];
            shift += (1 - factor) * start[j] * mean[j];
        }

        p[0] = start[0] + shift;
        return p;
    }
}
