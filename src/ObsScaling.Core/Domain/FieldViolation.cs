namespace ObsScaling.Core.Domain;

/// <summary>One offending input value: the field path (e.g. <c>models[3].scores.MMLU</c>), the value as given, and why it is rejected.</summary>
public sealed record FieldViolation(string Field, string Value, string Description)
{
    public override string ToString() => $"{Field} = {Value}: {Description}";
}
