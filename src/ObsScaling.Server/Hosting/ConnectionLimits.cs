using System.Collections.Concurrent;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace ObsScaling.Server.Hosting;

/// <summary>
/// Bounds what one client can make the server hold (configuration section "ObsScaling", like <see cref="ServerOptions"/>).
/// A client is a connection: HTTP/2 multiplexes a channel's calls over one, and on loopback every client shares an
/// address. A client that opened 500 <c>ListModels(page_size=1000)</c> calls and never read cost +1.9 GB and made
/// another client wait 17 s: each answer is serialized whole into the response pipe before the client's flow-control
/// window lets it out. Now at most <see cref="MaxUnaryCallsPerConnection"/> unary calls of a connection run (and hold
/// their answers) at once; the rest wait, costing only their request, until one finishes or the caller gives up.
/// </summary>
internal sealed class ConnectionLimits
{
    /// <summary>Unary calls of one connection that run at once; more wait their turn. At least 1.</summary>
    public int MaxUnaryCallsPerConnection { get; set; } = 4;

    /// <summary>HTTP/2 streams (calls) one connection may have open; Kestrel refuses more (the client queues them).</summary>
    public int Http2MaxStreamsPerConnection { get; set; } = 100;

    /// <summary>Request bytes a client may send on one stream before the server reads them (HTTP/2 flow control).</summary>
    public int Http2StreamWindowBytes { get; set; } = 256 * 1024;

    /// <summary>Request bytes a client may send on all its streams before the server reads them.</summary>
    public int Http2ConnectionWindowBytes { get; set; } = 1024 * 1024;

    /// <summary>Response bytes Kestrel buffers per call beyond the client's window before the writer waits.</summary>
    public long MaxResponseBufferBytes { get; set; } = 64 * 1024;

    /// <summary>Open connections at once; a client cannot dodge the per-connection bounds by opening thousands.</summary>
    public long MaxConnections { get; set; } = 1000;

    /// <summary>Applies the HTTP/2 and connection bounds to Kestrel.</summary>
    public void Apply(KestrelServerLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        limits.Http2.MaxStreamsPerConnection = Http2MaxStreamsPerConnection;
        limits.Http2.InitialStreamWindowSize = Http2StreamWindowBytes;
        limits.Http2.InitialConnectionWindowSize = Math.Max(Http2ConnectionWindowBytes, Http2StreamWindowBytes);
        limits.MaxResponseBufferSize = MaxResponseBufferBytes;
        limits.MaxConcurrentConnections = MaxConnections;
    }
}

/// <summary>Holds unary calls beyond <see cref="ConnectionLimits.MaxUnaryCallsPerConnection"/> of one connection until a slot frees.</summary>
internal sealed class UnaryCallGate(RequestDelegate next, IOptions<ConnectionLimits> options)
{
    private readonly int _slots = Math.Max(1, options.Value.MaxUnaryCallsPerConnection);
    private readonly ConcurrentDictionary<string, Gate> _connections = new(StringComparer.Ordinal);

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method.Type != MethodType.Unary)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var connection = context.Connection.Id ?? "";
        var gate = Acquire(connection);
        try
        {
            try
            {
                await gate.Slots.WaitAsync(context.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The caller gave up (its deadline passed, or it went away) while waiting: nobody reads an answer.
                return;
            }

            try
            {
                // The slot is held until the answer has been written out, which is what a client that does not read delays.
                await next(context).ConfigureAwait(false);
                await SentAsync(context).ConfigureAwait(false);
            }
            finally
            {
                gate.Slots.Release();
            }
        }
        finally
        {
            Release(connection, gate);
        }
    }

    /// <summary>
    /// Waits until Kestrel has sent the answer on (the client's flow-control window took it), or the client went away.
    /// grpc-dotnet writes a unary answer whole into the response pipe and returns; without this wait an unread answer
    /// left the call, its slot and its answer budget while its bytes stayed behind in pinned pipe buffers (140 MB of
    /// them, 30 unread 4.6 MB pages, 8 s into the slow-reader fault test with 16 connections, then OutOfMemory).
    /// </summary>
    private static async Task SentAsync(HttpContext context)
    {
        // An error answered as trailers only has not started its response: flushing would send headers on their own
        // and turn the status a client reads into INTERNAL (grpc-js did). Only a started answer can still be queued.
        if (!context.Response.HasStarted)
        {
            return;
        }

        try
        {
            await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or IOException)
        {
            // The client went away (nothing is held for it any more), or the response was already completed.
        }
    }

    private Gate Acquire(string connection)
    {
        lock (_connections)
        {
            var gate = _connections.GetOrAdd(connection, _ => new Gate(_slots));
            gate.Users++;
            return gate;
        }
    }

    private void Release(string connection, Gate gate)
    {
        lock (_connections)
        {
            if (--gate.Users == 0)
            {
                _connections.TryRemove(connection, out _);
                gate.Slots.Dispose();
            }
        }
    }

    private sealed class Gate(int slots)
    {
        public SemaphoreSlim Slots { get; } = new(slots, slots);

        public int Users { get; set; }
    }
}
