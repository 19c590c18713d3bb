using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ObsScaling.Core.Domain;

namespace ObsScaling.Core.Ledger;

/// <summary>
/// The content hash (SHA-256, lower-case hex) of exactly the data a law was fitted on: the fit's specification
/// and, for every row it trained on, the model's name, family, parameters, tokens, FLOPs and its values in the
/// columns the fit read. Rows are sorted by name and columns by name (ordinal), doubles are written
/// round-trip ("R", invariant culture), so the same data in another order or another dataset gives the same
/// hash and any changed value — or a model added or removed — gives another.
/// </summary>
/// <remarks>
/// The canonical text, UTF-8 encoded, is:
/// <code>
/// obsscaling-fit-data/1\n
/// spec\t{spec}\n
/// columns\t{c1}\t{c2}…\n
/// row\t{name}\t{family}\t{params}\t{tokens}\t{flops}\t{v1}\t{v2}…\n   (one per row, by name)
/// </code>
/// with "-" for an absent family or metadata value and "NA" for a missing score. Tabs and newlines inside
/// names are escaped as \t and \n so that the text stays unambiguous.
/// </remarks>
public static class FitDataHash
{
    public const string Version = "obsscaling-fit-data/1";

    /// <summary>The canonical text that is hashed (exposed so that other implementations can check it).</summary>
    public static string CanonicalText(IEnumerable<ModelRecord> rows, IEnumerable<string> columns, string spec)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(spec);
        var cols = columns.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var sorted = rows.OrderBy(r => r.Name, StringComparer.Ordinal).ToArray();
        for (var i = 1; i < sorted.Length; i++)
        {
            if (string.Equals(sorted[i].Name, sorted[i - 1].Name, StringComparison.Ordinal))
            {
                throw new ObsValidationException("rows", sorted[i].Name, "a model appears twice in the fitted data");
            }
        }

        var sb = new StringBuilder();
        sb.Append(Version).Append('\n');
        sb.Append("spec\t").Append(Escape(spec)).Append('\n');
        sb.Append("columns");
        foreach (var c in cols)
        {
            sb.Append('\t').Append(Escape(c));
        }

        sb.Append('\n');
        foreach (var r in sorted)
        {
            sb.Append("row\t").Append(Escape(r.Name)).Append('\t').Append(r.Family is null ? "-" : Escape(r.Family))
              .Append('\t').Append(Opt(r.ParametersB)).Append('\t').Append(Opt(r.TokensT)).Append('\t').Append(Opt(r.FlopsE21));
            foreach (var c in cols)
            {
                sb.Append('\t').Append(r.Scores.TryGetValue(c, out var v) && !double.IsNaN(v) ? R(v) : "NA");
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>SHA-256 (hex) of <see cref="CanonicalText"/>.</summary>
    public static string Compute(IEnumerable<ModelRecord> rows, IEnumerable<string> columns, string spec) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalText(rows, columns, spec))));

    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string Opt(double? v) => v is { } x && !double.IsNaN(x) ? R(x) : "-";

    private static string Escape(string s) => s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
