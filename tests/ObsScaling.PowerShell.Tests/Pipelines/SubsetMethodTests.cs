using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using ObsScaling.PowerShell.Model;
using ObsScaling.PowerShell.Session;
using ObsScaling.PowerShell.Tests.Support;
using ObsScaling.Server.Hosting;

namespace ObsScaling.PowerShell.Tests.Pipelines;

/// <summary>Select-ObsSubset -Method: the search that ran and what the chosen subsets save.</summary>
public sealed class SubsetMethodTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("obs-ps-subset-").FullName;
    private WebApplication? _app;

    public async Task InitializeAsync()
    {
        _app = ObsScalingServer.Build([$"--ObsScaling:DatabasePath={Path.Combine(_directory, "subset.db")}", "--Logging:LogLevel:Default=Warning"], b => b.WebHost.UseTestServer());
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _app!.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void Greedy_and_exhaustive_agree_on_a_small_zoo_and_report_savings()
    {
        using var host = new ModuleHost();
        var channel = GrpcChannel.ForAddress("http://testhost", new GrpcChannelOptions { HttpHandler = _app!.GetTestServer().CreateHandler() });
        ObsSession.Attach(host.Runspace, channel, "testhost");
        host.RunClean("$null = New-ObsSyntheticZoo -Seed 5 -Families 12 -ModelsPerFamily 3 | Import-ObsModel -Dataset zoo");
        var exhaustive = host.RunClean("Select-ObsSubset zoo -Budget 6, 12 -Method Exhaustive").Select(ModuleHost.Base<ObsSubset>).ToArray();
        var greedy = host.RunClean("Select-ObsSubset zoo -Budget 6, 12 -Method GreedyExchange").Select(ModuleHost.Base<ObsSubset>).ToArray();
        var auto = host.RunClean("Select-ObsSubset zoo -Budget 6, 12 -AutoThreshold 10").Select(ModuleHost.Base<ObsSubset>).ToArray();
        Assert.All(exhaustive, s => Assert.Equal("Exhaustive", s.Method));
        Assert.All(greedy, s => Assert.Equal("GreedyExchange", s.Method));
        Assert.All(auto, s => Assert.Equal("GreedyExchange", s.Method));
        for (var i = 0; i < 2; i++)
        {
            Assert.True(greedy[i].Objective <= exhaustive[i].Objective + 1e-9);
            Assert.True(greedy[i].Objective >= exhaustive[i].Objective * 1.01, $"{greedy[i].Objective} vs {exhaustive[i].Objective}");
            Assert.Equal(36, greedy[i].PoolSize);
            Assert.Equal(1 - (greedy[i].ModelCount / 36.0), greedy[i].ModelsSaved, 12);
            Assert.InRange(greedy[i].ParametersB, 1e-9, greedy[i].PoolParametersB);
            Assert.Equal(1 - (greedy[i].ParametersB / greedy[i].PoolParametersB), greedy[i].ParametersSaved, 12);
        }

        string message;
        try
        {
            host.Run("Select-ObsSubset zoo -Method Sideways");
            message = host.Errors.Single().Exception.Message;
        }
        catch (System.Management.Automation.RuntimeException ex)
        {
            message = ex.Message;
        }

        Assert.Contains("Method", message, StringComparison.Ordinal);
        Assert.Contains("Sideways", message, StringComparison.Ordinal);
    }
}
