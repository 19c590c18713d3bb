using ObsScaling.Core.Domain;

namespace ObsScaling.Core.Import.Results;

/// <summary>
/// Collects what is wrong with the input files, each problem at its file:line:column, so one error names them
/// all (up to a cap: a wholly wrong file should not produce a million-line message).
/// </summary>
internal sealed class ImportProblems
{
    public const int Cap = 200;

    private readonly List<FieldViolation> _violations = [];

    public bool HasAny => _violations.Count > 0;

    public void Add(SourceLocation at, string value, string description) => Add(at.ToString(), value, description);

    public void Add(string field, string value, string description)
    {
        if (_violations.Count < Cap)
        {
            _violations.Add(new FieldViolation(field, value, description));
        }
    }

    /// <summary>A problem that makes the rest of a file unreadable: recorded and thrown at once with the others.</summary>
    public ObsValidationException Fatal(SourceLocation at, string value, string description)
    {
        Add(at, value, description);
        return new ObsValidationException(_violations.ToArray());
    }

    public void ThrowIfAny()
    {
        if (_violations.Count > 0)
        {
            throw new ObsValidationException(_violations.ToArray());
        }
    }
}
