namespace ObsScaling.Core.Tests.Numerics.Nist;

/// <summary>The model function of a NIST problem, y = f(x; b), over duals so that its derivatives come exactly.</summary>
internal delegate Dual NistFunction(double x, ReadOnlySpan<Dual> b);

/// <summary>
/// One NIST StRD nonlinear regression problem: data, the two official starting points (start 1 far from the
/// solution, start 2 near it) and the certified least-squares solution, given to 11 significant digits.
/// </summary>
internal sealed record NistProblem(
    string Name,
    NistDifficulty Difficulty,
    NistFunction Model,
    double[] Start1,
    double[] Start2,
    double[] Certified,
    double[] CertifiedStandardDeviation,
    double CertifiedResidualSumOfSquares,
    double[] X,
    double[] Y)
{
    /// <summary>The certified values carry 11 significant digits, so agreement beyond that is not measurable.</summary>
    public const double CertifiedDigits = 11;

    public int ParameterCount => Certified.Length;

    public double[] Start(int which) => which switch
    {
        1 => Start1,
        2 => Start2,
        _ => throw new ArgumentOutOfRangeException(nameof(which), which, "NIST gives start 1 and start 2"),
    };

    /// <summary>
    /// The log relative error −log10(|estimate − certified| / |certified|), the number of agreeing significant
    /// digits NIST's own guidance uses, capped at <see cref="CertifiedDigits"/>.
    /// </summary>
    public static double Digits(double estimate, double certified)
    {
        if (estimate == certified)
        {
            return CertifiedDigits;
        }

        var relative = Math.Abs(estimate - certified) / Math.Abs(certified);
        return double.IsNaN(relative) ? 0 : Math.Clamp(-Math.Log10(relative), 0, CertifiedDigits);
    }
}
