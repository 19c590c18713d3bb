using Grpc.Core;
using ObsScaling.Server.Storage;

namespace ObsScaling.Server.Features;

/// <summary>What every handler records about its call before it does anything else.</summary>
internal static class CallScope
{
    /// <summary>
    /// The dataset a request names, parsed from its <paramref name="field"/>, and noted on the call so that logs,
    /// metrics and the per-dataset limits see it even when the handler fails.
    /// </summary>
    public static string DatasetId(string field, string name, ServerCallContext context)
    {
        var id = ResourceName.ParseDataset(field, name);
        context.UserState["dataset"] = id;
        return id;
    }
}
