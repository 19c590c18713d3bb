using System.Diagnostics;
using System.Net;
using Google.Protobuf;
using ObsScaling.Server.Tests.Errors;
using ObsScaling.Server.Tests.Support;
using Xunit.Abstractions;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Faults;

/// <summary>
/// A client that opens hundreds of <c>ListModels(page_size=1000)</c> calls of ~4 MB answers over several connections
/// and never reads them. The server process's memory stays within a measured bound (each connection runs at most
/// ObsScaling:MaxUnaryCallsPerConnection such calls; the rest wait holding only their request), and another
/// client's calls are answered promptly meanwhile.
/// </summary>
[Collection(TimingSensitive.Name)]
public class SlowReaderFaultTests(ITestOutputHelper output)
{
    private const long HeapLimitBytes = 512L * 1024 * 1024;

    // Each connection's 4 call slots once held a ~37 MB page each with nothing bounding them over connections: under
    // the heap limit the GC thrashed, the held calls never got their headers out, and another client's slowest call
    // varied from 2 s to 29 s between runs (or the server ran out of memory). The answer budget
    // (ObsScaling:MaxAnswerBytesInFlight) bounds them over all connections.
    [Fact]
    public async Task Unread_answers_cost_bounded_memory_and_do_not_stall_other_clients()
    {
        var dir = Directory.CreateTempSubdirectory("obs-slow-").FullName;
        try
        {
            // The server runs under a GC heap limit far below what holding the unread answers would take (3,698 MB):
            // without one its working set also counts garbage the GC has not yet needed to collect (+784 MB with the
            // workstation GC, +1,506 MB with the server GC on a quiet machine), which says nothing of what is held.
            // Under the limit, answers that were held would end the process with OutOfMemory.
            var limit = new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x" + HeapLimitBytes.ToString("X", System.Globalization.CultureInfo.InvariantCulture) };
            await using var server = await ServerProcess.StartAsync(Path.Combine(dir, "obs.db"), output, limit);
            const int metrics = 200;
            var names = Enumerable.Range(0, metrics).Select(j => $"metric-{j:D3}").ToArray();
            var models = Enumerable.Range(0, 1000).Select(i => Rpc.Model($"m{i:D4}", $"f{i % 10}", [.. names.Select((n, j) => (n, ((i * 31 + j * 7) % 97) / 100.0))])).ToArray();
            await Rpc.ImportRawAsync(server.Client, Rpc.Import("wide", names.Select(n => Rpc.Metric(n)), models));
            var page = await server.Client.ListModelsAsync(new V1.ListModelsRequest { Parent = "datasets/wide", PageSize = 1000 });
            var answerBytes = page.CalculateSize();

            server.Process.Refresh();
            var before = server.Process.WorkingSet64;
            var connections = FaultScale.Cases(8, 16);
            const int callsPerConnection = 100;
            var request = RawHttp2.Frame(new V1.ListModelsRequest { Parent = "datasets/wide", PageSize = 1000 }.ToByteArray());
            var clients = new List<HttpClient>();
            var calls = new List<Task>();
            using var stop = new CancellationTokenSource();
            for (var c = 0; c < connections; c++)
            {
                var http = new HttpClient(new SocketsHttpHandler { EnableMultipleHttp2Connections = false, InitialHttp2StreamWindowSize = 65535 })
                {
                    BaseAddress = new Uri(server.Address),
                    DefaultRequestVersion = HttpVersion.Version20,
                    DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
                    Timeout = Timeout.InfiniteTimeSpan,
                };
                clients.Add(http);
                for (var i = 0; i < callsPerConnection; i++)
                {
                    calls.Add(NeverReadAsync(http, request, stop.Token));
                }
            }

            // While the unread answers pile up, watch the server's memory and time another client's calls.
            var peak = before;
            var slowest = TimeSpan.Zero;
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed < TimeSpan.FromSeconds(FaultScale.Long ? 30 : 8))
            {
                var call = Stopwatch.StartNew();
                V1.ListModelsResponse small;
                try
                {
                    small = await server.Client.ListModelsAsync(new V1.ListModelsRequest { Parent = "datasets/wide", PageSize = 5 }, deadline: DateTime.UtcNow.AddSeconds(60));
                }
                catch (global::Grpc.Core.RpcException)
                {
                    output.WriteLine($"server exited: {server.Process.HasExited}; its log:\n" + string.Join('\n', server.Log.TakeLast(40)));
                    throw;
                }

                Assert.Equal(5, small.Models.Count);
                slowest = call.Elapsed > slowest ? call.Elapsed : slowest;
                output.WriteLine($"{watch.Elapsed.TotalSeconds:F1} s: another client's call {call.ElapsedMilliseconds} ms, server working set {server.Process.WorkingSet64 / 1e6:F0} MB, server CPU {server.Process.TotalProcessorTime.TotalMilliseconds:F0} ms");
                server.Process.Refresh();
                peak = Math.Max(peak, server.Process.WorkingSet64);
                await Task.Delay(200);
            }

            var growthMb = (peak - before) / 1e6;
            var unboundedMb = connections * callsPerConnection * (double)answerBytes / 1e6;
            output.WriteLine($"{connections} connections x {callsPerConnection} unread ListModels answers of {answerBytes / 1e6:F1} MB (unbounded: {unboundedMb:F0} MB): server working set {before / 1e6:F0} MB -> peak {peak / 1e6:F0} MB (+{growthMb:F0} MB); another client's slowest call {slowest.TotalMilliseconds:F0} ms");

            await stop.CancelAsync();
            foreach (var http in clients)
            {
                http.Dispose();
            }

            await Task.WhenAll(calls);
            Assert.False(server.Process.HasExited, $"the server exited ({(server.Process.HasExited ? server.Process.ExitCode : 0)}) under a {HeapLimitBytes >> 20} MiB heap limit: it held the unread answers");

            // The working set is not asserted on: under the heap limit it settles near the limit whatever is held
            // (+418–448 MB in six runs), as the GC collects only when it must. Surviving the limit is the bound: without
            // the answer budget the same load ended the server with OutOfMemory or made the other client wait 27 s.
            Assert.True(slowest < TimeSpan.FromSeconds(5), $"another client waited {slowest.TotalMilliseconds:F0} ms");
            var after = await server.Client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "datasets/wide" });
            Assert.Equal(1000, after.ModelCount);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Sends the call and reads the response headers, never the body, until told to stop.</summary>
    private static async Task NeverReadAsync(HttpClient http, byte[] request, CancellationToken stop)
    {
        try
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, "/obsscaling.v1.ObsScaling/ListModels") { Content = new ByteArrayContent(request), Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
            message.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
            message.Headers.TryAddWithoutValidation("te", "trailers");
            using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, stop);
            await Task.Delay(Timeout.Infinite, stop);
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or ObjectDisposedException)
        {
            // Stopped, or the server ended the call: either way nothing more is read.
        }
    }
}
