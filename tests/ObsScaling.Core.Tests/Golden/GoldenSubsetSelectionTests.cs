using ObsScaling.Core.Capability;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Holdout;
using ObsScaling.Core.Import;
using ObsScaling.Core.Imputation;
using ObsScaling.Core.Selection;
using ObsScaling.Core.Tests.Support;
using ObsScaling.Testing;

namespace ObsScaling.Core.Tests.Golden;

/// <summary>The notebooks' subset searches against the independent reference and the published objectives.</summary>
public class GoldenSubsetSelectionTests
{
    public static TheoryData<string> Searches => Testing.Golden.Names("subset_selection");

    [Theory]
    [MemberData(nameof(Searches))]
    public void Search_on_the_reference_scores_matches_every_budget(string name)
    {
        var g = Testing.Golden.Case("subset_selection", name);
        var include = g.GetProperty("include_family").GetString();
        var budgets = g.GetProperty("budgets").EnumerateArray().ToArray();
        var result = SubsetSelector.Search(
            g.Matrix("scores_pc123"),
            g.Strings("pool_model_families"),
            g.Strings("pool_models"),
            new SubsetSearchOptions
            {
                Budgets = budgets.Select(b => (int)b.Number("budget")).ToArray(),
                MaxFamilies = (int)g.Number("max_family_to_search"),
                IncludeFamily = include,
            });
        Assert.Equal((long)g.Number("combinations"), result.Combinations);
        for (var i = 0; i < budgets.Length; i++)
        {
            Testing.Golden.RelativeClose(budgets[i].Number("objective"), result.Choices[i].Objective, 1e-9, $"budget {budgets[i].Number("budget")}");
            Assert.Equal(budgets[i].Strings("models").Order(), result.Choices[i].Models.Order());
        }
    }

    [SkippableFact]
    public void Guide_search_from_the_csv_reproduces_the_published_objectives()
    {
        PaperData.SkipIfAbsent();
        var pool = PaperData.DefaultBase();
        var result = Search(pool, "Llama-2");
        Assert.Equal(431_909, result.Combinations);
        var published = new Dictionary<int, double> { [4] = -1365.30, [8] = -37.43, [12] = -16.93, [16] = -12.70, [20] = -10.25, [24] = -8.35 };
        foreach (var choice in result.Choices.Where(c => published.ContainsKey(c.Budget)))
        {
            Assert.Equal(published[choice.Budget], choice.Objective, 2);
        }

        Assert.Equal(["Llama-2", "Mistral"], result.Choices[0].Families);
    }

    [SkippableFact]
    public void Evaluation_search_from_the_csv_reproduces_the_published_objectives()
    {
        PaperData.SkipIfAbsent();
        var all = PaperData.DefaultBase();
        var split = HoldoutSplit.Default.Assign(all.Models.Select(m => m.Name).ToArray(), all.Column(ModelColumns.FlopsE21));
        var pool = all.Select(split.Train).Where(m => PaperMetrics.BaseBenchmarks.All(b => !double.IsNaN(m.Score(b))));
        Assert.Equal(45, pool.Count);
        var result = Search(pool, null);
        Assert.Equal(15_913, result.Combinations);
        var published = new Dictionary<int, double> { [4] = -26.76, [8] = -8.84, [12] = -6.31, [16] = -5.27, [20] = -4.55 };
        foreach (var choice in result.Choices.Where(c => published.ContainsKey(c.Budget)))
        {
            Assert.Equal(published[choice.Budget], choice.Objective, 2);
        }
    }

    private static SubsetSearchResult Search(ModelSet pool, string? include)
    {
        var metrics = PaperMetrics.BaseBenchmarks;
        var space = CapabilitySpace.Fit(PcaImputer.Fit(pool.Matrix(metrics)).Imputed, metrics);
        return SubsetSelector.Search(
            space.Scores,
            pool.Models.Select(m => m.Family!).ToArray(),
            pool.Models.Select(m => m.Name).ToArray(),
            new SubsetSearchOptions { Budgets = Enumerable.Range(1, 9).Select(i => 4 * i).ToArray(), IncludeFamily = include });
    }
}
