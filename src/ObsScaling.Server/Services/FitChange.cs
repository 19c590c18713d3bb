using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Services;

/// <summary>
/// What one refit pass published: the outcome of each of the dataset's fits (refit or refit_failed) at one revision.
/// WatchFits sends its messages one by one; the SSE feed sends it as one event whose id is the revision.
/// </summary>
internal sealed record FitChange(long Revision, IReadOnlyList<V1.WatchFitsResponse> Fits);
