using System.Text.RegularExpressions;

namespace ObsScaling.Core.Import.Results;

/// <summary>
/// A model whose name matches <see cref="Pattern"/> (case-insensitive, anywhere in the name) belongs to
/// <see cref="Family"/>; the family may refer to the match's groups (<c>$1</c>).
/// </summary>
public sealed record FamilyRule(Regex Pattern, string Family)
{
    public string? Apply(string model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var m = Pattern.Match(model);
        return m.Success ? m.Result(Family) : null;
    }

    public override string ToString() => $"{Pattern} => {Family}";
}
