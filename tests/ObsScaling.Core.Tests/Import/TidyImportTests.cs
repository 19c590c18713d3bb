using ObsScaling.Core.Domain;
using ObsScaling.Core.Import.Results;
using static ObsScaling.Core.Tests.Import.ResultFixtures;

namespace ObsScaling.Core.Tests.Import;

public class TidyImportTests
{
    private static readonly ImportOptions Tidy_ = new() { Format = ResultFormat.TidyCsv };

    private static ModelSet Import(string file, ImportSource? metadata = null, ImportOptions? options = null) =>
        ResultImporter.Import([Source(file)], metadata, options ?? Tidy_);

    [Fact]
    public void Long_rows_gather_into_models_and_metadata_supplies_sizes_with_units()
    {
        var set = Import(Tidy, Source(TidyMetadata));
        Assert.Equal(["acme/base-1b", "acme/base-7b"], set.Models.Select(m => m.Name));
        Assert.Equal(["MMLU", "GSM8K", "ARC-C"], set.MetricOrder.ToArray());
        var small = set[0];
        Assert.Equal(0.33, small.Score("ARC-C"));
        Assert.Equal("Acme", small.Family);
        Assert.Equal(1.1, small.ParametersB);
        Assert.Equal(2, small.TokensT);
        Assert.Equal(6 * 1.1 * 2, small.FlopsE21!.Value, 12); // 6·N·D
        var big = set[1];
        Assert.Equal(7.0, big.ParametersB!.Value, 12); // 7000 M
        Assert.Equal(120, big.FlopsE21!.Value, 9); // 1.2e23 FLOPs given directly
    }

    [Fact]
    public void Every_bad_cell_is_reported_with_line_and_column()
    {
        var ex = Assert.ThrowsAny<ObsValidationException>(() => Import(TidyBad));
        Assert.Equal(
            [
                ($"{TidyBad}:3:3", "five"),
                ($"{TidyBad}:4:3", "31"),
                ($"{TidyBad}:5:1", ""),
                ($"{TidyBad}:6:4", "-0.1"),
            ],
            ex.Violations.Select(v => (v.Field, v.Value)));
        Assert.Contains("outside MMLU's range [0, 1]", ex.Violations[1].Description, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_score_twice_with_different_values_is_a_duplicate()
    {
        var text = Text(Tidy) + "acme/base-7b,MMLU,0.47,0.004\nacme/base-7b,GSM8K,0.21,\n";
        var ex = Assert.ThrowsAny<ObsValidationException>(() => ResultImporter.Import([new ImportSource("t.csv", text)], null, Tidy_));
        var v = Assert.Single(ex.Violations); // the repeated GSM8K row has the same value: not a conflict
        Assert.Equal("t.csv:8:3", v.Field);
        Assert.Contains("gave 0.45 (at t.csv:4:3)", v.Description, StringComparison.Ordinal);
        var best = ResultImporter.Import([new ImportSource("t.csv", text)], null, Tidy_ with { Duplicates = DuplicatePolicy.Best });
        Assert.Equal(0.47, best[1].Score("MMLU"));
    }

    [Theory]
    [InlineData("model,params_b,tokens_t\nm,7,2\n", 7, 2, 84)]
    [InlineData("model,params,tokens\nm,7B,2T\n", 7, 2, 84)]
    [InlineData("model,params,tokens,flops\nm,350M,300B,\n", 0.35, 0.3, 0.63)]
    [InlineData("model,Model Size (B),Pretraining Data Size (T),FLOPs (1E21)\nm,7,2,80\n", 7, 2, 80)]
    [InlineData("model,#Params (B),tokens_unit,tokens\nm,1.5,T,1.4\n", 1.5, 1.4, 12.6)]
    [InlineData("model,n_params,training_tokens,compute\nm,6738415616,2000000000000,8.4e22\n", 6.738415616, 2, 84)]
    public void Metadata_sizes_accept_header_units_unit_columns_and_suffixes(string csv, double parametersB, double tokensT, double flopsE21)
    {
        var set = ResultImporter.Import([new ImportSource("t.csv", "model,benchmark,value\nm,MMLU,0.5\n")], new ImportSource("meta.csv", csv), Tidy_);
        Assert.Equal(parametersB, set[0].ParametersB!.Value, 9);
        Assert.Equal(tokensT, set[0].TokensT!.Value, 9);
        Assert.Equal(flopsE21, set[0].FlopsE21!.Value, 9);
    }

    [Theory]
    [InlineData("model,params\nm,7\n", "meta.csv:2:2", "7", "no unit")]
    [InlineData("model,params,params_unit\nm,7,Q\n", "meta.csv:2:3", "Q", "unknown unit")]
    [InlineData("model,params_b\nm,-7\n", "meta.csv:2:2", "-7", "must be positive")]
    [InlineData("model,params_b\nm,seven\n", "meta.csv:2:2", "seven", "not a number")]
    [InlineData("name,params_b,family\nm,7,F\nm,8,F\n", "meta.csv:3:1", "m", "listed twice")]
    [InlineData("params_b\n7\n", "meta.csv:1:1", "", "needs a 'model' column")]
    public void Bad_metadata_is_reported_where_it_is(string csv, string field, string value, string description)
    {
        var ex = Assert.ThrowsAny<ObsValidationException>(() =>
            ResultImporter.Import([new ImportSource("t.csv", "model,benchmark,value\nm,MMLU,0.5\n")], new ImportSource("meta.csv", csv), Tidy_));
        var v = Assert.Single(ex.Violations);
        Assert.Equal((field, value), (v.Field, v.Value));
        Assert.Contains(description, v.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_columns_and_ragged_rows_are_named()
    {
        var ex = Assert.ThrowsAny<ObsValidationException>(() =>
            ResultImporter.Import([new ImportSource("a.csv", "model,score_x\nm,1\n"), new ImportSource("b.csv", "model,benchmark,value\nm,MMLU\n")], null, Tidy_));
        Assert.Equal(["a.csv:1:1", "b.csv:2:3"], ex.Violations.Select(v => v.Field));
        Assert.Contains("missing 'benchmark', 'value'", ex.Violations[0].Description, StringComparison.Ordinal);
        Assert.Contains("expected 3 fields", ex.Violations[1].Description, StringComparison.Ordinal);
    }
}
