using Grpc.Core;
using ObsScaling.Core.Domain;
using ObsScaling.Server.Tests.Errors;
using ObsScaling.Server.Tests.Ledger;
using ObsScaling.Server.Tests.Support;
using Xunit.Abstractions;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Faults;

/// <summary>
/// Every name a client was handed exists: recorded forecasts after the stream is cancelled mid-way and after the
/// real server process is killed (SIGKILL) mid-stream; a forecast stream racing DeleteFit ends NOT_FOUND, never
/// INTERNAL; a preregistration retried with its request ID records nothing twice, and a creation too large for a
/// client's default 4 MiB limit answers with its batch summary.
/// </summary>
public class AcknowledgedWriteFaultTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Every_recorded_forecast_name_a_client_saw_exists_after_cancels_mid_stream()
    {
        var rounds = FaultScale.Cases(4, 40);
        var random = new Random(FaultScale.Seed);
        await using var server = await ServerHandle.KestrelAsync();
        var zoo = await PrepareAsync(server.Client);
        var seen = new List<string>();
        for (var round = 0; round < rounds; round++)
        {
            seen.AddRange(await ForecastUntilAsync(server.Client, zoo, random.Next(1, 700), stop: call => call.Dispose()));
        }

        var stored = await StoredAsync(server.Client);
        var missing = seen.Where(n => !stored.Contains(n)).ToList();
        output.WriteLine($"{rounds} streams cancelled after {seen.Count} recorded answers in all; {stored.Count} records stored; {missing.Count} names missing");
        Assert.Empty(missing);
    }

    [Fact]
    public async Task Every_recorded_forecast_name_a_client_saw_exists_after_the_server_process_is_killed_mid_stream()
    {
        var kills = FaultScale.Cases(2, 15);
        var random = new Random(FaultScale.Seed + 1);
        var dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "obs-ack-" + Guid.NewGuid().ToString("N")[..10])).FullName;
        var db = Path.Combine(dir, "obs.db");
        var seen = new List<string>();
        try
        {
            ModelSet zoo;
            await using (var first = await ServerProcess.StartAsync(db, output))
            {
                zoo = await PrepareAsync(first.Client);
            }

            for (var k = 0; k < kills; k++)
            {
                var server = await ServerProcess.StartAsync(db, output);
                try
                {
                    seen.AddRange(await ForecastUntilAsync(server.Client, zoo, random.Next(1, 2000), stop: _ => server.Kill()));
                }
                finally
                {
                    await server.DisposeAsync();
                }
            }

            await using var last = await ServerProcess.StartAsync(db, output);
            var stored = await StoredAsync(last.Client);
            var missing = seen.Where(n => !stored.Contains(n)).ToList();
            output.WriteLine($"{kills} kills mid-stream after {seen.Count} recorded answers in all; {stored.Count} records stored; {missing.Count} names missing");
            Assert.Empty(missing);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    [Fact]
    public async Task A_recording_forecast_stream_racing_DeleteFit_ends_not_found_never_internal()
    {
        var rounds = FaultScale.Cases(3, 30);
        await using var server = await ServerHandle.InMemoryAsync();
        var zoo = await PrepareAsync(server.Client);
        var endings = new Dictionary<StatusCode, int>();
        for (var round = 0; round < rounds; round++)
        {
            await Uploads.FitAsync(server.Client, "ack", Rpc.DownstreamSpec(), $"doomed-{round}");
            using var call = server.Client.Forecast();
            await call.RequestStream.WriteAsync(new V1.ForecastRequest { Setup = new V1.ForecastSetup { Fit = $"datasets/ack/fits/doomed-{round}", Record = true } });
            var sending = Task.Run(async () =>
            {
                try
                {
                    for (var i = 0; i < 3000; i++)
                    {
                        await call.RequestStream.WriteAsync(Input(zoo, i));
                        if (i == 200)
                        {
                            await server.Client.DeleteFitAsync(new V1.DeleteFitRequest { Name = $"datasets/ack/fits/doomed-{round}" });
                        }
                    }

                    await call.RequestStream.CompleteAsync();
                }
                catch (Exception ex) when (ex is RpcException or InvalidOperationException)
                {
                    // The server ended the call.
                }
            });
            var code = StatusCode.OK;
            try
            {
                await foreach (var _ in call.ResponseStream.ReadAllAsync())
                {
                }
            }
            catch (RpcException ex)
            {
                code = ex.StatusCode;
                Assert.True(ex.StatusCode == StatusCode.NotFound, $"a forecast stream whose fit was deleted ended {ex.StatusCode}: {ex.Status.Detail}");
            }

            await sending;
            endings[code] = endings.GetValueOrDefault(code) + 1;
        }

        output.WriteLine(string.Join(", ", endings.Select(e => $"{e.Value}× {e.Key}")));
    }

    [Fact]
    public async Task A_preregistration_retried_with_its_request_id_is_recorded_once_and_a_large_one_answers_with_a_summary()
    {
        await using var server = await ServerHandle.KestrelAsync();
        var setup = new LedgerSetup();
        await setup.PrepareAsync(server.Client);
        var request = LedgerSetup.FromUpcoming("retry", setup.UpcomingModels.Select(m => m.Name));
        request.RequestId = "0b6f4c1e-retry";
        var first = await server.Client.CreatePreregistrationsAsync(request);
        var again = await server.Client.CreatePreregistrationsAsync(request);
        Assert.False(first.Batch.Replayed);
        Assert.True(again.Batch.Replayed);
        Assert.Equal(first.Entries, again.Entries);
        Assert.Equal(first.Batch.ContentSha256, again.Batch.ContentSha256);
        Assert.Equal(5, first.Batch.Count);
        Assert.Equal(first.Entries[0].Name, first.Batch.First);
        Assert.Equal(first.Entries[^1].Name, first.Batch.Last);
        Assert.Equal(5, (await server.Client.ListPreregistrationsAsync(new V1.ListPreregistrationsRequest { Parent = "ledgers/retry" })).TotalSize);

        var other = request.Clone();
        other.Note = "other content";
        await Rpc.FailsAsync(StatusCode.AlreadyExists, () => server.Client.CreatePreregistrationsAsync(other).ResponseAsync);
        await Rpc.InvalidAsync(() => server.Client.CreatePreregistrationsAsync(new V1.CreatePreregistrationsRequest(request) { RequestId = "bad id" }).ResponseAsync, "request_id", "bad id");

        // 20,000 entries answered in full were 15 MB: past a default client's 4 MiB limit, after the commit. The
        // answer is the summary; a retry (the client lost the answer) records nothing new.
        var model = setup.UpcomingModels[0];
        var large = new V1.CreatePreregistrationsRequest { Parent = "ledgers/large", Fit = LedgerSetup.FitName, RequestId = "large-1" };
        var input = new V1.PreregistrationInput { Model = model.Name };
        foreach (var metric in setup.Zoo.BenchmarkNames)
        {
            input.Scores[metric] = model.Score(metric);
        }

        for (var i = 0; i < FaultScale.Cases(5000, 20000); i++)
        {
            large.Inputs.Add(new V1.PreregistrationInput(input) { Model = $"{model.Name}-{i}" });
        }

        using var defaultClient = global::Grpc.Net.Client.GrpcChannel.ForAddress(server.Address);
        var client = new V1.ObsScaling.ObsScalingClient(defaultClient);
        var answer = await client.CreatePreregistrationsAsync(large);
        Assert.True(answer.Batch.EntriesOmitted);
        Assert.Empty(answer.Entries);
        Assert.Equal(large.Inputs.Count, answer.Batch.Count);
        var retried = await client.CreatePreregistrationsAsync(large);
        Assert.True(retried.Batch.Replayed);
        Assert.Equal(answer.Batch.ContentSha256, retried.Batch.ContentSha256);
        var listed = await client.ListPreregistrationsAsync(new V1.ListPreregistrationsRequest { Parent = "ledgers/large", PageSize = 1000 });
        Assert.Equal(large.Inputs.Count, listed.TotalSize);
        Assert.Equal(answer.Batch.First, listed.Entries[0].Name);
        output.WriteLine($"{large.Inputs.Count} entries: answer {answer.CalculateSize()} bytes (summary), stored once after a retry");
    }

    private static async Task<ModelSet> PrepareAsync(V1.ObsScaling.ObsScalingClient client)
    {
        var zoo = Rpc.SmallZoo(seed: 5, families: 8, perFamily: 5);
        await Uploads.ImportAsync(client, "ack", zoo);
        await Uploads.FitAsync(client, "ack", Rpc.DownstreamSpec(), "law");
        return zoo;
    }

    private static V1.ForecastRequest Input(ModelSet zoo, int i)
    {
        var m = zoo.Models[i % zoo.Count];
        var input = new V1.ForecastInput { Model = $"{m.Name}-{i}", Scores = new V1.MetricScores() };
        foreach (var (metric, score) in m.Scores.Where(s => s.Key.StartsWith("bench", StringComparison.Ordinal) && double.IsFinite(s.Value)))
        {
            input.Scores.Values[metric] = score;
        }

        return new V1.ForecastRequest { Input = input };
    }

    /// <summary>Streams inputs with record set until <paramref name="answers"/> answers arrived, then stops the call abruptly; returns the names seen.</summary>
    private static async Task<List<string>> ForecastUntilAsync(V1.ObsScaling.ObsScalingClient client, ModelSet zoo, int answers, Action<AsyncDuplexStreamingCall<V1.ForecastRequest, V1.ForecastResponse>> stop)
    {
        var seen = new List<string>();
        var call = client.Forecast();
        await call.RequestStream.WriteAsync(new V1.ForecastRequest { Setup = new V1.ForecastSetup { Fit = "datasets/ack/fits/law", Record = true } });
        var sending = Task.Run(async () =>
        {
            try
            {
                for (var i = 0; i < 100_000; i++)
                {
                    await call.RequestStream.WriteAsync(Input(zoo, i));
                }
            }
            catch (Exception ex) when (ex is RpcException or InvalidOperationException or OperationCanceledException or IOException)
            {
                // Stopped under it.
            }
        });
        try
        {
            await foreach (var r in call.ResponseStream.ReadAllAsync())
            {
                Assert.StartsWith("datasets/ack/fits/law/forecasts/", r.Result.Forecast, StringComparison.Ordinal);
                seen.Add(r.Result.Forecast);
                if (seen.Count == answers)
                {
                    stop(call);
                    break;
                }
            }
        }
        catch (RpcException)
        {
        }

        call.Dispose();
        await sending;
        return seen;
    }

    private static async Task<HashSet<string>> StoredAsync(V1.ObsScaling.ObsScalingClient client)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var token = "";
        do
        {
            var page = await client.ListForecastsAsync(new V1.ListForecastsRequest { Parent = "datasets/ack/fits/law", PageSize = 1000, PageToken = token });
            names.UnionWith(page.Forecasts.Select(f => f.Name));
            token = page.NextPageToken;
        }
        while (token.Length > 0);
        return names;
    }
}
