using System.Management.Automation;
using Grpc.Core;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.PowerShell.Session;

/// <summary>
/// The client side of a server stream of <c>oneof { progress, result }</c> (CreateFit, Backtest, SelectSubset,
/// CompareTechniques): every progress message becomes a progress record, and the one result is returned when the
/// stream ends. Each RPC declares it once from its two oneof accessors (a generated accessor is null when its case
/// is not the one set). It reads on the calling thread on purpose: WriteProgress works only on the pipeline thread.
/// </summary>
/// <param name="activityId">The progress record's id; one per kind of call, so nested calls do not overwrite each other's bar.</param>
/// <param name="progress">The event's progress case.</param>
/// <param name="result">The event's result case.</param>
internal sealed class ProgressStream<TEvent, TResult>(int activityId, Func<TEvent, V1.Progress?> progress, Func<TEvent, TResult?> result)
    where TEvent : class
    where TResult : class
{
    public int ActivityId => activityId;

    /// <summary>
    /// Reads <paramref name="events"/> to its end. <paramref name="cancel"/> (the cmdlet's StopProcessing) stops the
    /// pipeline; a stream that ends without a result, or with two, breaks the contract and is an error.
    /// </summary>
    public TResult Read(IAsyncStreamReader<TEvent> events, string activity, Action<ProgressRecord> write, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(write);
        TResult? answer = null;
        var completed = false;
        try
        {
            while (Next(events, cancel))
            {
                var e = events.Current;
                if (progress(e) is { } p)
                {
                    write(ProgressRecords.Of(activityId, activity, p));
                }
                else if (result(e) is { } r)
                {
                    answer = answer is null ? r : throw new InvalidOperationException($"{activity}: the service sent a second result; the stream carries one.");
                }
            }

            completed = true;
        }
        finally
        {
            // After Stop, WriteProgress itself would throw; the bar goes with the pipeline then.
            if (completed || !cancel.IsCancellationRequested)
            {
                write(ProgressRecords.Completed(activityId, activity));
            }
        }

        return answer ?? throw new InvalidOperationException($"{activity}: the service ended the stream without a result.");
    }

    private static bool Next(IAsyncStreamReader<TEvent> events, CancellationToken cancel)
    {
        try
        {
            return events.MoveNext(cancel).GetAwaiter().GetResult();
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && cancel.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }
}

/// <summary>The progress records of the module's calls: the service's stage and message, its fraction as a percentage.</summary>
internal static class ProgressRecords
{
    public static ProgressRecord Of(int activityId, string activity, V1.Progress p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var status = string.IsNullOrEmpty(p.Message) ? (string.IsNullOrEmpty(p.Stage) ? "working" : p.Stage) : p.Message;
        return new ProgressRecord(activityId, activity, status)
        {
            // A fraction outside [0, 1] (or NaN) must not throw out of the record's setter mid-call.
            PercentComplete = double.IsFinite(p.Fraction) ? (int)Math.Clamp(Math.Round(p.Fraction * 100), 0, 100) : 0,
            CurrentOperation = p.Stage,
        };
    }

    public static ProgressRecord Completed(int activityId, string activity) =>
        new(activityId, activity, "done") { RecordType = ProgressRecordType.Completed, PercentComplete = 100 };
}
