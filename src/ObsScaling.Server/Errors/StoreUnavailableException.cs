namespace ObsScaling.Server.Errors;

/// <summary>
/// The database could not be reached or gave up on the call (connection refused or dropped, server shutting down,
/// serialization failures past the retries): UNAVAILABLE, so clients retry, rather than INTERNAL.
/// </summary>
internal sealed class StoreUnavailableException(string message, Exception inner) : Exception(message, inner);
