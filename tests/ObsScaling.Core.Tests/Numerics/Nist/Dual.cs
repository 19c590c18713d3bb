namespace ObsScaling.Core.Tests.Numerics.Nist;

/// <summary>
/// A forward-mode dual number v + d·ε (ε² = 0). Writing each NIST model once over duals gives its exact Jacobian
/// column by column, so no hand-derived derivative can be the thing a failing test is really measuring.
/// </summary>
internal readonly record struct Dual(double Value, double Derivative)
{
    public static implicit operator Dual(double value) => new(value, 0);

    public static Dual operator +(Dual a, Dual b) => new(a.Value + b.Value, a.Derivative + b.Derivative);

    public static Dual operator -(Dual a, Dual b) => new(a.Value - b.Value, a.Derivative - b.Derivative);

    public static Dual operator -(Dual a) => new(-a.Value, -a.Derivative);

    public static Dual operator *(Dual a, Dual b) => new(a.Value * b.Value, (a.Derivative * b.Value) + (a.Value * b.Derivative));

    public static Dual operator /(Dual a, Dual b) =>
        new(a.Value / b.Value, ((a.Derivative * b.Value) - (a.Value * b.Derivative)) / (b.Value * b.Value));

    public static Dual Exp(Dual a)
    {
        var e = Math.Exp(a.Value);
        return new(e, e * a.Derivative);
    }

    public static Dual Log(Dual a) => new(Math.Log(a.Value), a.Derivative / a.Value);

    public static Dual Square(Dual a) => a * a;

    public static Dual Pow(Dual a, double exponent) =>
        new(Math.Pow(a.Value, exponent), exponent * Math.Pow(a.Value, exponent - 1) * a.Derivative);

    public static Dual Pow(Dual a, Dual exponent) => Exp(exponent * Log(a));

    public static Dual Sin(Dual a) => new(Math.Sin(a.Value), Math.Cos(a.Value) * a.Derivative);

    public static Dual Cos(Dual a) => new(Math.Cos(a.Value), -Math.Sin(a.Value) * a.Derivative);

    public static Dual Atan(Dual a) => new(Math.Atan(a.Value), a.Derivative / (1 + (a.Value * a.Value)));
}
