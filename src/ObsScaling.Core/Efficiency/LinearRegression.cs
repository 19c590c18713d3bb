using MathNet.Numerics.Distributions;
using ObsScaling.Core.Domain;

namespace ObsScaling.Core.Efficiency;

/// <summary>Ordinary least squares of one response on one predictor.</summary>
public static class LinearRegression
{
    /// <summary>
    /// Fits y = a + b·x. Needs n ≥ 2 finite pairs and a non-constant x (validation error otherwise).
    /// With n = 2 the standard errors and intervals are NaN-free: they are reported as +∞ (no residual degrees of freedom).
    /// </summary>
    public static OlsFit Fit(IReadOnlyList<double> x, IReadOnlyList<double> y, double confidence = 0.95, string field = "x")
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        var n = x.Count;
        var v = new ViolationCollector();
        if (y.Count != n)
        {
            v.Add("y", $"{y.Count} values", $"one response per {field} value ({n}) is needed");
            v.ThrowIfAny();
        }

        if (n < 2)
        {
            v.Add(field, $"{n} values", "a line needs at least two points");
        }

        if (!(confidence > 0 && confidence < 1))
        {
            v.Add("confidence", confidence, "must lie strictly between 0 and 1");
        }

        for (var i = 0; i < n; i++)
        {
            if (!double.IsFinite(x[i]))
            {
                v.Add($"{field}[{i}]", x[i], "must be a finite number");
            }

            if (!double.IsFinite(y[i]))
            {
                v.Add($"y[{i}]", y[i], "must be a finite number");
            }
        }

        v.ThrowIfAny();

        var xMean = 0.0;
        var yMean = 0.0;
        for (var i = 0; i < n; i++)
        {
            xMean += x[i];
            yMean += y[i];
        }

        xMean /= n;
        yMean /= n;
        double sxx = 0, sxy = 0, syy = 0;
        for (var i = 0; i < n; i++)
        {
            var dx = x[i] - xMean;
            var dy = y[i] - yMean;
            sxx += dx * dx;
            sxy += dx * dy;
            syy += dy * dy;
        }

        if (sxx == 0)
        {
            v.Add(field, x[0], "all x values are equal, so no slope can be fitted");
            v.ThrowIfAny();
        }

        var slope = sxy / sxx;
        var intercept = yMean - (slope * xMean);
        var sse = 0.0;
        for (var i = 0; i < n; i++)
        {
            var r = y[i] - intercept - (slope * x[i]);
            sse += r * r;
        }

        // A constant y is fitted exactly by a flat line; calling that R² = 1 avoids 0/0.
        var rSquared = syy == 0 ? 1.0 : 1.0 - (sse / syy);

        var dof = n - 2;
        double sigma, slopeSe, interceptSe, t;
        if (dof == 0)
        {
            // Two points determine the line exactly; nothing is left to estimate the noise, so the
            // uncertainty is unbounded rather than undefined.
            sigma = slopeSe = interceptSe = t = double.PositiveInfinity;
        }
        else
        {
            sigma = Math.Sqrt(sse / dof);
            slopeSe = sigma / Math.Sqrt(sxx);
            interceptSe = sigma * Math.Sqrt((1.0 / n) + (xMean * xMean / sxx));
            t = StudentT.InvCDF(0.0, 1.0, dof, 1.0 - ((1.0 - confidence) / 2.0));
        }

        return new OlsFit(slope, intercept, rSquared, n, slopeSe, interceptSe,
            slope - (t * slopeSe), slope + (t * slopeSe),
            intercept - (t * interceptSe), intercept + (t * interceptSe),
            sigma, confidence)
        {
            XMean = xMean,
            XSumOfSquares = sxx,
            CriticalT = t,
        };
    }
}
