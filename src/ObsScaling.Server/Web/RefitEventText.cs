using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Google.Protobuf;
using ObsScaling.Server.Services;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Web;

/// <summary>
/// The text/event-stream form of a change: <c>event:</c> its kind, <c>id:</c> the dataset revision, and one
/// <c>data:</c> line holding a JSON array of WatchFitsResponse messages in proto3 JSON (a fit and its reason each).
/// A change is formatted once however many feeds send it (fits carry every prediction, so this is the costly part).
/// </summary>
internal static class RefitEventText
{
    public const string Initial = "initial";
    public const string Refit = "refit";
    public const string RefitFailed = "refit_failed";

    /// <summary>A comment line: ignored by EventSource, but it keeps idle connections open through proxies.</summary>
    public static readonly byte[] KeepAlive = Encoding.UTF8.GetBytes(": keep-alive\n\n");

    private static readonly ConditionalWeakTable<FitChange, byte[]> Formatted = [];

    /// <summary>The reconnection delay EventSource uses after a drop (it would wait 3 s by default).</summary>
    public static byte[] Retry(TimeSpan delay) => Encoding.UTF8.GetBytes($"retry: {((long)delay.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)}\n\n");

    /// <summary><c>refit_failed</c> when any fit of the change failed (each entry still says its own reason), else <c>refit</c>.</summary>
    public static string Kind(FitChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return change.Fits.Any(f => f.Reason == RefitFailed) ? RefitFailed : Refit;
    }

    public static byte[] For(FitChange change) => Formatted.GetValue(change, c => Event(Kind(c), c.Revision, c.Fits));

    public static byte[] Event(string kind, long id, IEnumerable<V1.WatchFitsResponse> fits)
    {
        var text = new StringBuilder();
        text.Append("event: ").Append(kind).Append('\n');
        text.Append("id: ").Append(id.ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append("data: [");
        var first = true;
        foreach (var fit in fits)
        {
            if (!first)
            {
                text.Append(',');
            }

            // Proto3 JSON has no raw line breaks (strings escape them), so the array stays on its one data line.
            text.Append(JsonFormatter.Default.Format(fit));
            first = false;
        }

        text.Append("]\n\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
