namespace ObsScaling.Server.Tests.Support;

/// <summary>One event as an EventSource would dispatch it (comments kept apart, so heartbeats can be seen).</summary>
internal sealed record ServerSentEvent(string Event, string? Id, string Data, bool IsComment = false);
