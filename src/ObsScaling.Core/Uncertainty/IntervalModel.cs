using MathNet.Numerics.Distributions;
using ObsScaling.Core.Laws;

namespace ObsScaling.Core.Uncertainty;

/// <summary>
/// What a fit keeps to put an interval on any future forecast: the law with its covariance and residual
/// variance (parametric), or the bootstrap ensemble — each replicate's law and its residual draw.
/// </summary>
public sealed class IntervalModel
{
    private readonly FittedLaw _law;
    private readonly double _residualVariance;
    private readonly double _t;

    private IntervalModel(IntervalMethod method, double level, FittedLaw law, int trainCount, IReadOnlyList<EnsembleMember> members)
    {
        Method = method;
        Level = level;
        _law = law;
        TrainCount = trainCount;
        Members = members;
        var m = law.Covariance.GetLength(0);
        var dof = Math.Max(1, trainCount - m);
        _residualVariance = law.TrainMse * trainCount / dof;
        _t = StudentT.InvCDF(0, 1, dof, 0.5 + (level / 2));
    }

    public IntervalMethod Method { get; }

    public double Level { get; }

    public int TrainCount { get; }

    /// <summary>The bootstrap replicates (empty for the parametric method).</summary>
    public IReadOnlyList<EnsembleMember> Members { get; }

    public static IntervalModel Parametric(FittedLaw law, int trainCount, double level)
    {
        ArgumentNullException.ThrowIfNull(law);
        return new IntervalModel(IntervalMethod.Parametric, level, law, trainCount, []);
    }

    public static IntervalModel FromEnsemble(IntervalMethod method, double level, FittedLaw law, int trainCount, IReadOnlyList<EnsembleMember> members)
    {
        ArgumentNullException.ThrowIfNull(law);
        ArgumentNullException.ThrowIfNull(members);
        return new IntervalModel(method, level, law, trainCount, members);
    }

    /// <summary>The interval (fit's transformed scale) for predictors <paramref name="x"/>.</summary>
    public PredictionInterval Interval(ReadOnlySpan<double> x) =>
        Interval(x, Method == IntervalMethod.Parametric ? [] : new double[Members.Count]);

    /// <summary>
    /// As <see cref="Interval(ReadOnlySpan{double})"/>, drawing the ensemble into <paramref name="scratch"/> (at
    /// least <see cref="Members"/>.Count long) so that a stream of forecasts allocates nothing per answer.
    /// </summary>
    public PredictionInterval Interval(ReadOnlySpan<double> x, Span<double> scratch)
    {
        if (Method == IntervalMethod.Parametric)
        {
            return ParametricInterval(x);
        }

        var draws = scratch[..Members.Count];
        for (var b = 0; b < draws.Length; b++)
        {
            draws[b] = Members[b].Predict(_law.Link, x) - Members[b].Noise;
        }

        draws.Sort();
        var lowerP = (1 - Level) / 2;
        return new PredictionInterval(Quantile(draws, lowerP), Quantile(draws, 1 - lowerP));
    }

    private PredictionInterval ParametricInterval(ReadOnlySpan<double> x)
    {
        var d = _law.Weights.Count;
        var m = _law.Covariance.GetLength(0);
        var z = _law.Capability(x);
        var y = _law.ApplyLink(z);

        // ∂ŷ/∂[c, w…, (b)] at x: the delta method's gradient.
        Span<double> g = stackalloc double[m];
        var dz = _law.Link switch
        {
            LawLink.Linear => 1.0,
            LawLink.Sigmoid => FittedLaw.Sigmoid(z) * (1 - FittedLaw.Sigmoid(z)),
            _ => (1 - _law.Floor) * FittedLaw.Sigmoid(z) * (1 - FittedLaw.Sigmoid(z)),
        };
        g[0] = dz;
        for (var j = 0; j < d; j++)
        {
            g[j + 1] = dz * x[j];
        }

        if (_law.Link == LawLink.SigmoidWithFloor && m > d + 1)
        {
            g[d + 1] = 1 - FittedLaw.Sigmoid(z);
        }

        var variance = _residualVariance;
        for (var a = 0; a < m; a++)
        {
            for (var b = 0; b < m; b++)
            {
                var c = _law.Covariance[a, b];
                variance += double.IsFinite(c) ? g[a] * c * g[b] : 0;
            }
        }

        var half = _t * Math.Sqrt(Math.Max(variance, 0));
        return new PredictionInterval(y - half, y + half);
    }

    /// <summary>Linear interpolation between order statistics (numpy's default).</summary>
    private static double Quantile(ReadOnlySpan<double> sorted, double p)
    {
        var h = (sorted.Length - 1) * p;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + ((h - lo) * (sorted[hi] - sorted[lo]));
    }
}
