using System.Globalization;
using ObsScaling.Core.Domain;

namespace ObsScaling.Core.Laws;

/// <summary>Checks a fit request and reports every problem at once.</summary>
internal static class LawInputValidator
{
    /// <summary>How far outside [0, 1] a sigmoid target may lie before it is taken for a unit mistake.</summary>
    public const double SigmoidSlack = 0.5;

    /// <summary>
    /// Throws <see cref="ObsValidationException"/> for malformed input and <see cref="ObsPreconditionException"/>
    /// when the data are well-formed but cannot determine the law.
    /// </summary>
    /// <remarks>
    /// σ and (1 − b)σ + b only take values in [0, 1], but observed targets legitimately stray a little outside:
    /// a min–max transform with the chance level as floor puts below-chance models below 0 (the paper's GPQA
    /// and ParsiNLU data do), and the fit treats that as noise. A target far outside is a unit or transform
    /// mistake (a percentage, a logit fed to a sigmoid), so beyond <see cref="SigmoidSlack"/> it is rejected.
    /// </remarks>
    public static void Validate(double[,] x, double[] y, ScalingLawOptions options)
    {
        var v = new ViolationCollector();
        if (!(options.FloorMax >= 0 && options.FloorMax < 1))
        {
            v.Add("options.floor_max", options.FloorMax, "the floor's upper bound must lie in [0, 1)");
        }

        if (options.Loss == LossKind.Huber && !(options.HuberDelta > 0 && double.IsFinite(options.HuberDelta)))
        {
            v.Add("options.huber_delta", options.HuberDelta, "the Huber threshold must be a positive finite number");
        }

        if (options.MaxIterations < 1)
        {
            v.Add("options.max_iterations", options.MaxIterations.ToString(CultureInfo.InvariantCulture), "at least one iteration is needed");
        }

        if (options.ExtraStarts < 0)
        {
            v.Add("options.extra_starts", options.ExtraStarts.ToString(CultureInfo.InvariantCulture), "cannot be negative");
        }

        if (!(options.Tolerance > 0 && options.Tolerance < 1))
        {
            v.Add("options.tolerance", options.Tolerance, "the tolerance must lie in (0, 1)");
        }

        if (!Enum.IsDefined(options.Link))
        {
            v.Add("options.link", options.Link.ToString(), "unknown link");
        }

        if (!Enum.IsDefined(options.Loss))
        {
            v.Add("options.loss", options.Loss.ToString(), "unknown loss");
        }

        var n = x.GetLength(0);
        var d = x.GetLength(1);
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < d; j++)
            {
                if (!double.IsFinite(x[i, j]))
                {
                    v.Add($"x[{i}][{j}]", x[i, j], "predictors must be finite");
                }
            }
        }

        if (y.Length != n)
        {
            v.Add("y", y.Length.ToString(CultureInfo.InvariantCulture), $"{y.Length} targets for {n} rows of x");
        }

        var sigmoid = options.Link is LawLink.Sigmoid or LawLink.SigmoidWithFloor;
        for (var i = 0; i < y.Length; i++)
        {
            if (!double.IsFinite(y[i]))
            {
                v.Add($"y[{i}]", y[i], "targets must be finite");
            }
            else if (sigmoid && (y[i] < -SigmoidSlack || y[i] > 1 + SigmoidSlack))
            {
                v.Add($"y[{i}]", y[i], $"far outside [0, 1]: a {options.Link} link cannot reach it (transform the target to [0, 1] first)");
            }
        }

        v.ThrowIfAny();

        var p = new ViolationCollector();
        if (n < d + 2)
        {
            p.Add("models", n.ToString(CultureInfo.InvariantCulture), $"{d + 2} models are needed to fit a law on {d} predictors (one more than the intercept and weights)");
        }
        else if (sigmoid && y.All(t => t == y[0]))
        {
            p.Add("y", y[0], "the target is constant: a sigmoid law is not determined by it");
        }

        p.ThrowPreconditionIfAny();
    }
}
