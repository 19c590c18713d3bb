namespace ObsScaling.Server.Storage;

/// <summary>What a creation stored: the seq range of its entries, and whether it repeats an earlier request.</summary>
internal sealed record LedgerAppend(long FirstSeq, long LastSeq, bool Replayed);
