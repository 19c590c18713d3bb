using System.Collections;
using System.Globalization;

namespace ObsScaling.PowerShell.Model;

/// <summary>
/// A list of numbers that prints as "0.12;3.4" (round-trip precision), so Export-Csv writes the values instead of
/// "System.Double[]"; ($row.Predictors -split ';') reads them back.
/// </summary>
public sealed class ObsValues(IReadOnlyList<double> values) : IReadOnlyList<double>
{
    public static ObsValues Empty { get; } = new([]);

    public int Count => values.Count;

    public double this[int index] => values[index];

    public IEnumerator<double> GetEnumerator() => values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => string.Join(';', values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
}
