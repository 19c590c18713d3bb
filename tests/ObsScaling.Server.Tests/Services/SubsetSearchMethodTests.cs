using ObsScaling.Core.Import;
using ObsScaling.Server.Tests.Errors;
using ObsScaling.Server.Tests.Support;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Services;

/// <summary>SelectSubset's search methods and subset costs over the paper's full base file.</summary>
public class SubsetSearchMethodTests
{
    [SkippableFact]
    public async Task Greedy_search_covers_all_47_families_with_costs_and_progress()
    {
        PaperData.SkipIfAbsent();
        await using var server = await ServerHandle.InMemoryAsync();
        var models = PaperDatasets.LoadBase(PaperData.Open, onlyEvalFamilies: false, includePreregistered: true);
        await Uploads.ImportAsync(server.Client, "full", models);

        var events = await Rpc.SelectAsync(server.Client, new V1.SelectSubsetRequest
        {
            Dataset = "datasets/full",
            Budgets = { 8, 24, 40 },
            MaxFamilies = 47,
            IncludeFamily = "Llama-2",
            Metrics = { PaperMetrics.BaseBenchmarks },
        });
        var result = events.Last().Result;
        Assert.Contains(events, e => e.EventCase == V1.SelectSubsetEvent.EventOneofCase.Progress);
        Assert.Equal(V1.SubsetSearchMethod.GreedyExchange, result.Method);
        Assert.True(result.Evaluations > 0 && result.Evaluations < result.Combinations);
        Assert.Equal(148, result.PoolSize);
        var poolParameters = models.Models.Sum(m => m.ParametersB ?? 0);
        foreach (var c in result.Choices)
        {
            Assert.True(c.Models.Count <= c.Budget);
            Assert.Equal(c.Models.Count, c.Cost.Models);
            Assert.Equal(148, c.Cost.PoolModels);
            Assert.Equal(poolParameters, c.Cost.PoolParametersB, 6);
            var chosen = c.Models.ToHashSet();
            Assert.Equal(models.Models.Where(m => chosen.Contains(m.Name)).Sum(m => m.ParametersB ?? 0), c.Cost.ParametersB, 6);
            Assert.Equal(models.Models.Where(m => chosen.Contains(m.Name)).Sum(m => m.FlopsE21 ?? 0), c.Cost.FlopsE21, 6);
            Assert.InRange(c.Cost.ParametersB, 0, c.Cost.PoolParametersB);
        }
    }

    [SkippableFact]
    public async Task Auto_enumerates_the_guide_pool_and_matches_the_published_optimum()
    {
        PaperData.SkipIfAbsent();
        await using var server = await ServerHandle.InMemoryAsync();
        await Uploads.ImportAsync(server.Client, "base", PaperDatasets.LoadBase(PaperData.Open));
        var request = new V1.SelectSubsetRequest { Dataset = "datasets/base", Budgets = { 4, 8 }, IncludeFamily = "Llama-2", Metrics = { PaperMetrics.BaseBenchmarks } };
        var auto = (await Rpc.SelectAsync(server.Client, request)).Last().Result;
        Assert.Equal(V1.SubsetSearchMethod.Exhaustive, auto.Method);
        Assert.Equal(431_909, auto.Combinations);
        Assert.Equal(-1365.30, auto.Choices[0].Objective, 2);

        request.Method = V1.SubsetSearchMethod.GreedyExchange;
        var greedy = (await Rpc.SelectAsync(server.Client, request)).Last().Result;
        Assert.Equal(V1.SubsetSearchMethod.GreedyExchange, greedy.Method);
        Assert.Equal(auto.Choices[0].Objective, greedy.Choices[0].Objective, 9);
        Assert.Equal(auto.Choices[1].Objective, greedy.Choices[1].Objective, 9);
    }

    [Fact]
    public async Task Bad_method_and_threshold_name_their_fields()
    {
        await using var server = await ServerHandle.InMemoryAsync();
        var zoo = Rpc.SmallZoo();
        await Uploads.ImportAsync(server.Client, "zoo", zoo);
        await Rpc.InvalidAsync(() => Rpc.SelectAsync(server.Client, new V1.SelectSubsetRequest { Dataset = "datasets/zoo", Method = (V1.SubsetSearchMethod)7 }), "method", "7");
        await Rpc.InvalidAsync(() => Rpc.SelectAsync(server.Client, new V1.SelectSubsetRequest { Dataset = "datasets/zoo", AutoThreshold = -5 }), "auto_threshold", "-5");
    }
}
