using System.Globalization;

namespace ObsScaling.Compare;

/// <summary>One compared quantity: both values, their difference and whether it is within tolerance.</summary>
internal sealed record AgreementCheck(string Quantity, double CSharp, double Python, double Difference, double Tolerance, bool Relative, bool Agrees)
{
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{(Agrees ? "ok  " : "FAIL")} {Quantity}: C# {CSharp:R} vs Python {Python:R} ({(Relative ? "relative" : "absolute")} difference {Difference:0.0e+00}, tolerance {Tolerance:0e+00})");
}

/// <summary>
/// The numbers of the two implementations must agree before their speed is compared: a task whose checks do not all
/// pass is reported as a disagreement, without a ratio.
/// </summary>
internal sealed class AgreementGate
{
    public const double DefaultRelativeTolerance = 1e-6;

    private readonly List<AgreementCheck> _checks = [];

    public IReadOnlyList<AgreementCheck> Checks => _checks;

    public bool AllAgree => _checks.Count > 0 && _checks.All(c => c.Agrees);

    /// <summary>|a − b| / max(|a|, |b|) ≤ tolerance; a non-finite value on either side never agrees.</summary>
    public AgreementCheck Relative(string quantity, double csharp, double python, double tolerance = DefaultRelativeTolerance)
    {
        var scale = Math.Max(Math.Abs(csharp), Math.Abs(python));
        var difference = scale == 0 ? 0 : Math.Abs(csharp - python) / scale;
        return Add(new AgreementCheck(quantity, csharp, python, difference, tolerance, true, double.IsFinite(csharp) && double.IsFinite(python) && difference <= tolerance));
    }

    public AgreementCheck Absolute(string quantity, double csharp, double python, double tolerance)
    {
        var difference = Math.Abs(csharp - python);
        return Add(new AgreementCheck(quantity, csharp, python, difference, tolerance, false, double.IsFinite(csharp) && double.IsFinite(python) && difference <= tolerance));
    }

    /// <summary>A yes/no condition (e.g. the same families chosen) recorded as a check.</summary>
    public AgreementCheck Condition(string quantity, bool holds) =>
        Add(new AgreementCheck(quantity, holds ? 1 : 0, 1, holds ? 0 : 1, 0, false, holds));

    private AgreementCheck Add(AgreementCheck check)
    {
        _checks.Add(check);
        return check;
    }
}
