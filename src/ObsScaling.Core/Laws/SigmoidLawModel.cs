using ObsScaling.Core.Numerics;

namespace ObsScaling.Core.Laws;

/// <summary>
/// Residuals ŷ − y of y = (1 − b)·σ(c + w·x) + b with parameters [c, w_1..w_d(, b)]; without a floor b is absent
/// (plain sigmoid). The design is stored row-major with a leading column of ones so that c is just another weight.
/// </summary>
internal struct SigmoidLawModel : ILeastSquaresModel
{
    private readonly double[] _design;
    private readonly double[] _y;
    private readonly int _k;
    private readonly bool _hasFloor;

    // σ(z) and 1 − σ(z) from the latest Residuals call; 1 − σ is kept separately because it loses all precision
    // when formed by subtraction for large z, and the Jacobian needs it.
    private readonly double[] _sigma;
    private readonly double[] _complement;

    public SigmoidLawModel(double[] design, double[] y, int columns, bool hasFloor)
    {
        _design = design;
        _y = y;
        _k = columns;
        _hasFloor = hasFloor;
        _sigma = new double[y.Length];
        _complement = new double[y.Length];
    }

    public readonly int ResidualCount => _y.Length;

    public readonly int ParameterCount => _hasFloor ? _k + 1 : _k;

    public readonly void Residuals(ReadOnlySpan<double> p, Span<double> residuals)
    {
        var b = _hasFloor ? p[_k] : 0.0;
        var w = p[.._k];
        var design = _design.AsSpan();
        for (var i = 0; i < _y.Length; i++)
        {
            var row = design.Slice(i * _k, _k);
            var z = 0.0;
            for (var j = 0; j < row.Length; j++)
            {
                z += w[j] * row[j];
            }

            var e = Math.Exp(-Math.Abs(z));
            var inv = 1 / (1 + e);
            double s, sc;
            if (z >= 0)
            {
                s = inv;
                sc = e * inv;
            }
            else
            {
                s = e * inv;
                sc = inv;
            }

            _sigma[i] = s;
            _complement[i] = sc;
            residuals[i] = s + (b * sc) - _y[i];
        }
    }

    public readonly void Jacobian(ReadOnlySpan<double> p, Span<double> jacobian)
    {
        var b = _hasFloor ? p[_k] : 0.0;
        var m = ParameterCount;
        var design = _design.AsSpan();
        for (var i = 0; i < _y.Length; i++)
        {
            var row = design.Slice(i * _k, _k);
            var jr = jacobian.Slice(i * m, m);
            var slope = (1 - b) * _sigma[i] * _complement[i];
            for (var j = 0; j < row.Length; j++)
            {
                jr[j] = slope * row[j];
            }

            if (_hasFloor)
            {
                jr[_k] = _complement[i];
            }
        }
    }
}
