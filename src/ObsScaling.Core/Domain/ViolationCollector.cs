namespace ObsScaling.Core.Domain;

/// <summary>Accumulates violations so that validation reports all of them at once.</summary>
internal sealed class ViolationCollector
{
    private readonly List<FieldViolation> _violations = [];

    public bool HasAny => _violations.Count > 0;

    public void Add(string field, string value, string description) =>
        _violations.Add(new FieldViolation(field, value, description));

    public void Add(string field, double value, string description) =>
        Add(field, ObsValidationException.Format(value), description);

    public void ThrowIfAny()
    {
        if (_violations.Count > 0)
        {
            throw new ObsValidationException(_violations.ToArray());
        }
    }

    public void ThrowPreconditionIfAny()
    {
        if (_violations.Count > 0)
        {
            throw new ObsPreconditionException(_violations.ToArray());
        }
    }
}
