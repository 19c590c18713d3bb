using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Replicas;

/// <summary>
/// A WatchFits stream connected straight to one replica, read in the background: every message with the time it
/// arrived, and how the stream ended (null while it runs or when it was cancelled by the test).
/// </summary>
internal sealed class WatchRecorder : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly AsyncServerStreamingCall<V1.WatchFitsResponse> _call;
    private readonly Task _reading;
    private readonly Stopwatch _clock;

    private WatchRecorder(string replica, AsyncServerStreamingCall<V1.WatchFitsResponse> call, Stopwatch clock, V1.WatchFitsResponse initial)
    {
        Replica = replica;
        _call = call;
        _clock = clock;
        Initial = initial;
        _reading = Task.Run(ReadAsync);
    }

    public string Replica { get; }

    /// <summary>The "initial" message: the fit as it was when the watch was registered.</summary>
    public V1.WatchFitsResponse Initial { get; }

    public ConcurrentQueue<(V1.WatchFitsResponse Message, TimeSpan At)> Received { get; } = new();

    /// <summary>The status the stream failed with, once it has (a replica killed under it).</summary>
    public StatusCode? EndedWith { get; private set; }

    public string? EndedDetail { get; private set; }

    public bool Ended { get; private set; }

    /// <summary>Opens the watch and waits for its initial message, which says it is registered.</summary>
    public static async Task<WatchRecorder> StartAsync(string replica, V1.ObsScaling.ObsScalingClient client, string dataset, Stopwatch clock)
    {
        var call = client.WatchFits(new V1.WatchFitsRequest { Dataset = "datasets/" + dataset, SendInitial = true });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        Assert.True(await call.ResponseStream.MoveNext(timeout.Token), $"the watch on {replica} ended before its initial message");
        Assert.Equal("initial", call.ResponseStream.Current.Reason);
        return new WatchRecorder(replica, call, clock, call.ResponseStream.Current);
    }

    public long LastRevision => Received.IsEmpty ? Initial.DatasetRevision : Received.Last().Message.DatasetRevision;

    public void Dispose()
    {
        _stop.Cancel();
        _call.Dispose();
        _reading.Wait(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }

    private async Task ReadAsync()
    {
        try
        {
            while (await _call.ResponseStream.MoveNext(_stop.Token))
            {
                Received.Enqueue((_call.ResponseStream.Current, _clock.Elapsed));
            }
        }
        catch (RpcException ex) when (!_stop.IsCancellationRequested)
        {
            EndedWith = ex.StatusCode;
            EndedDetail = ex.Status.Detail;
        }
        catch (RpcException)
        {
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            Ended = true;
        }
    }
}
