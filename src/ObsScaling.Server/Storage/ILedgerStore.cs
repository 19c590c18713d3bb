using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Storage;

/// <summary>
/// The preregistration ledger, whichever database holds it. Entries and scores are append-only in the database
/// itself (triggers), so not even SQL run by hand can rewrite a forecast after the fact; a score is inserted once.
/// </summary>
internal interface ILedgerStore
{
    /// <summary>
    /// Appends entries (their names set) to a ledger in one transaction, in order; a repeated request ID with the
    /// same content stores nothing and returns the first call's range, with other content it is a conflict.
    /// </summary>
    LedgerAppend Add(string ledger, IReadOnlyList<V1.Preregistration> entries, string? requestId = null, string? contentSha256 = null);

    IReadOnlyList<V1.Preregistration> Range(string ledger, long firstSeq, long lastSeq);

    (IReadOnlyList<V1.Preregistration> Page, long LastSeq, bool More) Page(string ledger, V1.PreregistrationState state, long afterSeq, int limit);

    (int Entries, IReadOnlyList<V1.PreregistrationScore> Scores) Tally(string ledger, V1.PreregistrationState state);

    V1.Preregistration? Get(string ledger, string entry);

    bool Exists(string ledger);

    IReadOnlyList<V1.Preregistration> All(string ledger);

    /// <summary>Inserts the scores of entries that have none yet, in one transaction; returns the IDs scored now.</summary>
    IReadOnlySet<string> Score(string ledger, IReadOnlyList<(string Entry, V1.PreregistrationScore Score)> scores);
}
