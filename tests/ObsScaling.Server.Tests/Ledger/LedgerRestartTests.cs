using Grpc.Net.Client;
using ObsScaling.Server.Hosting;
using ObsScaling.Server.Tests.Support;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Ledger;

/// <summary>A ledger outlives the server: stopped and started again on the same SQLite file, it is as it was.</summary>
public class LedgerRestartTests
{
    [Fact]
    public async Task Entries_and_scores_survive_a_restart_on_the_same_database_file()
    {
        var dir = Path.Combine(Path.GetTempPath(), "obs-ledger-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(dir);
        var db = Path.Combine(dir, "obs.db");
        var setup = new LedgerSetup();
        try
        {
            V1.ListPreregistrationsResponse before;
            await using (var server = await Start(db))
            {
                await setup.PrepareAsync(server.Client);
                await server.Client.CreatePreregistrationsAsync(LedgerSetup.FromUpcoming("prereg", setup.UpcomingModels.Select(m => m.Name)));
                await server.Client.ScorePreregistrationsAsync(new V1.ScorePreregistrationsRequest
                {
                    Parent = "ledgers/prereg",
                    Observed = { setup.UpcomingModels.Take(3).Select(m => new V1.ObservedValue { Model = m.Name, Value = m.Score("downstream") }) },
                });
                before = await server.Client.ListPreregistrationsAsync(new V1.ListPreregistrationsRequest { Parent = "ledgers/prereg" });
                Assert.Equal(3, before.Summary.Scored);
            }

            await using (var server = await Start(db))
            {
                var after = await server.Client.ListPreregistrationsAsync(new V1.ListPreregistrationsRequest { Parent = "ledgers/prereg" });
                Assert.Equal(before, after);

                // Scoring after the restart finishes the ledger and keeps the scores made before it.
                await Uploads.ImportAsync(server.Client, LedgerSetup.Upcoming, setup.UpcomingWithTarget, V1.ImportMode.Append);
                var scored = await server.Client.ScorePreregistrationsAsync(new V1.ScorePreregistrationsRequest { Parent = "ledgers/prereg", Dataset = LedgerSetup.Upcoming });
                Assert.Equal(2, scored.Scored.Count);
                Assert.Equal(3, scored.AlreadyScored.Count);
                Assert.Equal(before.Entries.Where(e => e.Score is not null).Select(e => e.Score), scored.AlreadyScored.Select(e => e.Score));
                var more = await server.Client.CreatePreregistrationsAsync(LedgerSetup.FromUpcoming("prereg", [setup.UpcomingModels[0].Name]));
                var final = await server.Client.ListPreregistrationsAsync(new V1.ListPreregistrationsRequest { Parent = "ledgers/prereg" });
                Assert.Equal(before.Entries.Select(e => e.Name).Append(more.Entries.Single().Name), final.Entries.Select(e => e.Name));
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<Running> Start(string db)
    {
        var app = ObsScalingServer.Build([$"--ObsScaling:DatabasePath={db}", "--urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"]);
        await app.StartAsync();
        var channel = GrpcChannel.ForAddress(ObsScalingServer.BoundAddresses(app).Single());
        return new Running(app, channel);
    }

    private sealed class Running(Microsoft.AspNetCore.Builder.WebApplication app, GrpcChannel channel) : IAsyncDisposable
    {
        public V1.ObsScaling.ObsScalingClient Client { get; } = new(channel);

        public async ValueTask DisposeAsync()
        {
            channel.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
