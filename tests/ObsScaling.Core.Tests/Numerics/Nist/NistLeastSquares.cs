using ObsScaling.Core.Numerics;

namespace ObsScaling.Core.Tests.Numerics.Nist;

/// <summary>A NIST problem as the solver sees it: r_i(b) = f(x_i; b) − y_i and its Jacobian, one dual pass per parameter.</summary>
internal struct NistLeastSquares(NistProblem problem) : ILeastSquaresModel
{
    private readonly Dual[] _b = new Dual[problem.ParameterCount];

    public readonly int ResidualCount => problem.Y.Length;

    public readonly int ParameterCount => problem.ParameterCount;

    public readonly void Residuals(ReadOnlySpan<double> p, Span<double> residuals)
    {
        for (var j = 0; j < p.Length; j++)
        {
            _b[j] = p[j];
        }

        for (var i = 0; i < problem.Y.Length; i++)
        {
            residuals[i] = problem.Model(problem.X[i], _b).Value - problem.Y[i];
        }
    }

    public readonly void Jacobian(ReadOnlySpan<double> p, Span<double> jacobian)
    {
        var m = p.Length;
        for (var j = 0; j < m; j++)
        {
            for (var k = 0; k < m; k++)
            {
                _b[k] = new Dual(p[k], k == j ? 1 : 0);
            }

            for (var i = 0; i < problem.Y.Length; i++)
            {
                jacobian[(i * m) + j] = problem.Model(problem.X[i], _b).Derivative;
            }
        }
    }

    /// <summary>Σ r_i², the quantity NIST certifies.</summary>
    public readonly double ResidualSumOfSquares(ReadOnlySpan<double> p)
    {
        var residuals = new double[ResidualCount];
        Residuals(p, residuals);
        var sum = 0.0;
        foreach (var r in residuals)
        {
            sum += r * r;
        }

        return sum;
    }
}
