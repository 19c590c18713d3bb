using System.Globalization;

namespace ObsScaling.Core.Domain;

/// <summary>
/// Input the engine refuses. Carries every violation found, not just the first, so that a client
/// can fix its request in one round trip (the service maps this to INVALID_ARGUMENT with one
/// field violation per entry).
/// </summary>
public class ObsValidationException : Exception
{
    public ObsValidationException(IReadOnlyList<FieldViolation> violations)
        : base(Describe(violations))
    {
        Violations = violations;
    }

    public ObsValidationException(string field, string value, string description)
        : this([new FieldViolation(field, value, description)])
    {
    }

    public ObsValidationException()
        : this([])
    {
    }

    public ObsValidationException(string message)
        : base(message)
    {
        Violations = [];
    }

    public ObsValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Violations = [];
    }

    public IReadOnlyList<FieldViolation> Violations { get; }

    internal static string Format(double value) =>
        double.IsNaN(value) ? "NaN" : value.ToString("R", CultureInfo.InvariantCulture);

    private static string Describe(IReadOnlyList<FieldViolation> violations) =>
        violations.Count switch
        {
            0 => "Invalid input.",
            1 => $"Invalid input: {violations[0]}",
            _ => $"Invalid input ({violations.Count} problems): " + string.Join("; ", violations.Take(10)) +
                 (violations.Count > 10 ? $"; … and {violations.Count - 10} more" : ""),
        };
}

/// <summary>
/// The input is well-formed but the data cannot support the requested analysis
/// (too few models for the number of parameters, an empty train or test set, a singular design).
/// The service maps this to FAILED_PRECONDITION.
/// </summary>
public sealed class ObsPreconditionException : ObsValidationException
{
    public ObsPreconditionException(IReadOnlyList<FieldViolation> violations)
        : base(violations)
    {
    }

    public ObsPreconditionException(string field, string value, string description)
        : base(field, value, description)
    {
    }

    public ObsPreconditionException()
    {
    }

    public ObsPreconditionException(string message)
        : base(message)
    {
    }

    public ObsPreconditionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
