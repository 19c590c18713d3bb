using ObsScaling.PowerShell.Model;
using ObsScaling.PowerShell.Tests.Support;

namespace ObsScaling.PowerShell.Tests.Pipelines;

/// <summary>Select-ObsSubset -Method: the search that ran and what the chosen subsets save.</summary>
public sealed class SubsetMethodTests : InMemoryServer
{
    [Fact]
    public void Greedy_and_exhaustive_agree_on_a_small_zoo_and_report_savings()
    {
        using var host = new ModuleHost();
        Attach(host);
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
