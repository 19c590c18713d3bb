namespace ObsScaling.Server.Errors;

/// <summary>A conditional change whose condition no longer holds (ABORTED), e.g. a stale etag.</summary>
internal sealed class ConflictException(string message) : Exception(message);
