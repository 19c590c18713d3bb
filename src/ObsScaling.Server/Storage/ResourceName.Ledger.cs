using System.Text.RegularExpressions;
using ObsScaling.Core.Domain;

namespace ObsScaling.Server.Storage;

/// <summary>Names of the preregistration ledger: ledgers/{ledger} and ledgers/{ledger}/entries/{entry}.</summary>
internal static partial class ResourceName
{
    public static string Ledger(string ledger) => $"ledgers/{ledger}";

    public static string LedgerEntry(string ledger, string entry) => $"ledgers/{ledger}/entries/{entry}";

    /// <summary>The last segment of a name: the entry ID of ledgers/{l}/entries/{e}.</summary>
    public static string EntryId(string name) => name[(name.LastIndexOf('/') + 1)..];

    /// <summary>Accepts "ledgers/{l}" or a bare ID.</summary>
    public static string ParseLedger(string field, string? name)
    {
        var m = LedgerPattern().Match(name ?? "");
        return m.Success ? m.Groups[1].Value : RequireId(field, name);
    }

    public static (string Ledger, string Entry) ParseLedgerEntry(string field, string? name)
    {
        var m = LedgerEntryPattern().Match(name ?? "");
        if (!m.Success)
        {
            throw new ObsValidationException(field, name ?? "", "must be ledgers/{ledger}/entries/{entry}");
        }

        return (m.Groups[1].Value, m.Groups[2].Value);
    }

    [GeneratedRegex("^ledgers/([a-z0-9][a-z0-9-]{0,62})\\z")]
    private static partial Regex LedgerPattern();

    [GeneratedRegex("^ledgers/([a-z0-9][a-z0-9-]{0,62})/entries/([a-z0-9][a-z0-9-]{0,62})\\z")]
    private static partial Regex LedgerEntryPattern();
}
