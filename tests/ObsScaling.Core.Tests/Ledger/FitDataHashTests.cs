using ObsScaling.Core.Domain;
using ObsScaling.Core.Ledger;

namespace ObsScaling.Core.Tests.Ledger;

public class FitDataHashTests
{
    private static readonly ModelRecord[] Rows =
    [
        new("b/model", "fam", 7, 2, 84, new Dictionary<string, double> { ["x"] = 0.25, ["y"] = 0.5, ["unused"] = 1 }),
        new("a/model", null, null, null, 1.5, new Dictionary<string, double> { ["x"] = 0.1 }),
        new("c/model", "fam", 70, 2, 840, new Dictionary<string, double> { ["x"] = 0.3, ["y"] = 1.0 / 3 }),
    ];

    [Fact]
    public void The_canonical_text_is_sorted_round_trip_and_marks_missing_values()
    {
        var text = FitDataHash.CanonicalText(Rows, ["y", "x", "x"], "{spec}");
        Assert.Equal(
            "obsscaling-fit-data/1\nspec\t{spec}\ncolumns\tx\ty\n" +
            "row\ta/model\t-\t-\t-\t1.5\t0.1\tNA\n" +
            "row\tb/model\tfam\t7\t2\t84\t0.25\t0.5\n" +
            "row\tc/model\tfam\t70\t2\t840\t0.3\t0.3333333333333333\n",
            text);

        // SHA-256 of that text, as `printf '%s' "$text" | sha256sum` gives it.
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text))), FitDataHash.Compute(Rows, ["x", "y"], "{spec}"));
    }

    [Fact]
    public void Row_and_column_order_do_not_matter()
    {
        var h = FitDataHash.Compute(Rows, ["x", "y"], "s");
        Assert.Equal(h, FitDataHash.Compute(Rows.Reverse(), ["y", "x"], "s"));
        Assert.Equal(h, FitDataHash.Compute([Rows[2], Rows[0], Rows[1]], ["x", "y"], "s"));

        // A score in a column the fit does not read is not fitted data.
        Assert.Equal(h, FitDataHash.Compute(Rows.Select(r => r with { Scores = r.Scores.SetItem("unused", 0.9) }), ["x", "y"], "s"));
    }

    [Fact]
    public void Any_change_to_a_fitted_value_the_rows_or_the_spec_changes_the_hash()
    {
        var h = FitDataHash.Compute(Rows, ["x", "y"], "s");
        var variants = new[]
        {
            FitDataHash.Compute([Rows[0] with { Scores = Rows[0].Scores.SetItem("x", Math.BitIncrement(0.25)) }, Rows[1], Rows[2]], ["x", "y"], "s"),
            FitDataHash.Compute([Rows[0] with { FlopsE21 = 84.0000001 }, Rows[1], Rows[2]], ["x", "y"], "s"),
            FitDataHash.Compute([Rows[0] with { Family = "other" }, Rows[1], Rows[2]], ["x", "y"], "s"),
            FitDataHash.Compute([Rows[0], Rows[1] with { Scores = Rows[1].Scores.SetItem("y", 0) }, Rows[2]], ["x", "y"], "s"),
            FitDataHash.Compute(Rows.Take(2), ["x", "y"], "s"),
            FitDataHash.Compute(Rows, ["x"], "s"),
            FitDataHash.Compute(Rows, ["x", "y"], "t"),
        };
        Assert.All(variants, v => Assert.NotEqual(h, v));
        Assert.Equal(variants.Length, variants.Distinct().Count());
    }

    [Fact]
    public void Separators_inside_names_cannot_forge_another_table()
    {
        var tabbed = new ModelRecord("a\tb", null, null, null, null);
        var split = new ModelRecord("a", "b", null, null, null);
        Assert.NotEqual(FitDataHash.Compute([tabbed], [], "s"), FitDataHash.Compute([split], [], "s"));
        var ex = Assert.Throws<ObsValidationException>(() => FitDataHash.Compute([split, split], [], "s"));
        Assert.Equal("rows", ex.Violations.Single().Field);
    }

    [Fact]
    public void Scores_are_errors_and_interval_hits_and_summaries_aggregate_them()
    {
        var over = ForecastScore.Of(0.6, 0.5, 0.7, 0.55);
        Assert.Equal(0.6 - 0.55, over.Error, 15);
        Assert.Equal(0.6 - 0.55, over.AbsoluteError, 15);
        Assert.True(over.Inside);
        var under = ForecastScore.Of(0.2, 0.3, 0.1, 0.35);
        Assert.Equal(-0.15, under.Error, 15);
        Assert.False(under.Inside);
        Assert.True(ForecastScore.Of(0.2, 0.1, 0.3, 0.3).Inside);
        Assert.Null(ForecastScore.Of(0.2, null, null, 0.3).Inside);
        Assert.Equal("observed", Assert.Throws<ObsValidationException>(() => ForecastScore.Of(0.2, null, null, double.NaN)).Violations.Single().Field);

        var s = LedgerSummary.Of(5, [over, under, ForecastScore.Of(0.2, null, null, 0.3)]);
        Assert.Equal(5, s.Entries);
        Assert.Equal(3, s.Scored);
        Assert.Equal(2, s.WithInterval);
        Assert.Equal(1, s.Inside);
        Assert.Equal(0.5, s.Coverage);
        Assert.Equal((0.05 + 0.15 + 0.1) / 3, s.MeanAbsoluteError!.Value, 15);
        Assert.Equal(Math.Sqrt(((0.05 * 0.05) + (0.15 * 0.15) + (0.1 * 0.1)) / 3), s.RootMeanSquareError!.Value, 15);
        Assert.Null(LedgerSummary.Of(2, []).Coverage);
    }
}
