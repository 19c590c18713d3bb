using System.Management.Automation;
using ObsScaling.PowerShell.Model;
using ObsScaling.PowerShell.Tests.Support;

namespace ObsScaling.PowerShell.Tests.Pipelines;

/// <summary>The ledger cmdlets in real hosted pipelines against a real server: record, score, list, refuse.</summary>
public sealed class PreregistrationPipelineTests(KestrelServer server) : IClassFixture<KestrelServer>
{
    private const string Setup =
        "$zoo = New-ObsSyntheticZoo -Seed 11 -Families 12 -ModelsPerFamily 5; " +
        "$upcoming = $zoo.Where({ $_.Family -eq 'family-12' }); " +
        "$null = $zoo.Where({ $_.Family -ne 'family-12' }) | Import-ObsModel -Dataset ps-known -Mode Replace -Confirm:$false; " +
        "$benchmarks = 1..8 | ForEach-Object { \"bench-$_\" }; ";

    [Fact]
    public void Forecasts_piped_from_models_and_laws_are_recorded_scored_once_and_listed()
    {
        using var host = server.Connect();
        var recorded = host.RunClean(
            Setup +
            "$law = Invoke-ObsFit -Dataset ps-known -Name ps-law -Force -Target downstream -CapabilityMetric $benchmarks -Split TopFraction -SplitColumn 'FLOPs (1E21)' -SplitFraction 0.2 -ReferenceFamily family-01 -Interval Parametric; " +
            "$upcoming | New-ObsPreregistration -Ledger ps-ledger -Fit $law.Fit -Note 'from the zoo'")
            .Select(ModuleHost.Base<ObsPreregistration>).ToList();
        Assert.Equal(5, recorded.Count);
        Assert.All(recorded, e =>
        {
            Assert.Equal("Recorded", e.Status);
            Assert.Equal("ps-ledger", e.Ledger);
            Assert.Equal("downstream", e.Target);
            Assert.Equal(0.9, e.Level);
            Assert.True(e.Lower < e.Predicted && e.Predicted < e.Upper);
            Assert.False(e.AlreadyObserved);
            Assert.False(e.Scored);
            Assert.Equal(recorded[0].DataHash, e.DataHash);
        });

        // The same forecasts as Get-ObsForecast gives for these models.
        var forecasts = host.RunClean("$upcoming | Get-ObsForecast -Fit datasets/ps-known/fits/ps-law").Select(ModuleHost.Base<ObsForecast>).ToList();
        Assert.Equal(forecasts.Select(f => f.PredictedRaw), recorded.Select(e => e.Predicted));

        // A law piped in, with models named from a dataset; a known model is recorded but flagged, with a warning.
        var late = host.Run("Get-ObsFit -Dataset ps-known -Name ps-law | New-ObsPreregistration -Ledger ps-ledger -SourceDataset ps-known -Model $zoo[0].Name").Select(ModuleHost.Base<ObsPreregistration>).Single();
        Assert.Empty(host.Errors);
        Assert.True(late.AlreadyObserved);
        Assert.Contains(host.Shell.Streams.Warning, w => w.Message.Contains("AlreadyObserved", StringComparison.Ordinal));

        // Scores arrive as a hashtable of model → value; the first score is final.
        var scored = host.RunClean(
            "$observed = @{}; foreach ($m in $upcoming) { $observed[$m.Name] = $m.Scores['downstream'] }; " +
            "Complete-ObsPreregistration -Ledger ps-ledger -Observed $observed -WarningAction SilentlyContinue")
            .Select(ModuleHost.Base<ObsPreregistration>).ToList();
        Assert.Equal(5, scored.Count);
        var truth = host.RunClean("$upcoming").Select(ModuleHost.Base<ObsModel>).ToDictionary(m => m.Name, m => m.Scores["downstream"]);
        Assert.All(scored, e =>
        {
            Assert.Equal("Scored", e.Status);
            Assert.Equal(truth[e.Model], e.Observed);
            Assert.Equal(e.Predicted - truth[e.Model], e.Error!.Value, 15);
            Assert.Equal(truth[e.Model] >= e.Lower && truth[e.Model] <= e.Upper, e.Inside);
        });

        var again = host.RunClean("Get-ObsPreregistration ps-ledger -State Scored | Complete-ObsPreregistration -Observed @{ 'x' = 1 } -WarningAction SilentlyContinue")
            .Select(ModuleHost.Base<ObsPreregistration>).ToList();
        Assert.Equal(5, again.Count);
        Assert.All(again, e => Assert.Equal("AlreadyScored", e.Status));
        Assert.Equal(scored.Select(e => e.Observed), again.Select(e => e.Observed));

        var unscored = host.RunClean("Get-ObsPreregistration ps-ledger -State Unscored").Select(ModuleHost.Base<ObsPreregistration>).Single();
        Assert.Equal(late.Name, unscored.Name);
        var byId = host.RunClean("Get-ObsPreregistration ps-ledger -Entry $id", new Dictionary<string, object?> { ["id"] = recorded[2].Entry }).Select(ModuleHost.Base<ObsPreregistration>).Single();
        Assert.Equal(recorded[2].Name, byId.Name);
        Assert.True(byId.Scored);

        var summary = ModuleHost.Base<ObsLedgerSummary>(host.RunClean("Get-ObsPreregistration ps-ledger -Summary").Single());
        Assert.Equal(6, summary.Entries);
        Assert.Equal(5, summary.Scored);
        Assert.Equal(scored.Count(e => e.Inside == true) / 5.0, summary.Coverage!.Value, 15);
        Assert.Equal(scored.Average(e => e.AbsoluteError!.Value), summary.MeanAbsoluteError!.Value, 12);
    }

    [Fact]
    public void Bad_input_becomes_error_records_with_categories()
    {
        using var host = server.Connect();
        host.RunClean(Setup + "$null = Invoke-ObsFit -Dataset ps-known -Name ps-bad -Force -Target downstream -CapabilityMetric $benchmarks -Split TopFraction -SplitColumn 'FLOPs (1E21)' -SplitFraction 0.2 -ReferenceFamily family-01 -Interval Parametric");

        host.Run("New-ObsPreregistration -Ledger ps-bad -Fit datasets/ps-known/fits/ps-bad -SourceDataset ps-known -Model $zoo[0].Name -Level 1.5");
        var level = Assert.Single(host.Errors);
        Assert.Equal(ErrorCategory.InvalidArgument, level.CategoryInfo.Category);
        Assert.Contains("level", level.Exception.Message, StringComparison.Ordinal);
        Assert.Contains("1.5", level.Exception.Message, StringComparison.Ordinal);

        host.Shell.Streams.Error.Clear();
        host.Run("New-ObsPreregistration -Ledger ps-bad -Fit datasets/ps-known/fits/missing -SourceDataset ps-known -Model $zoo[0].Name");
        Assert.Equal(ErrorCategory.ObjectNotFound, Assert.Single(host.Errors).CategoryInfo.Category);

        host.Shell.Streams.Error.Clear();
        host.Run("Get-ObsPreregistration no-such-ledger");
        Assert.Equal(ErrorCategory.ObjectNotFound, Assert.Single(host.Errors).CategoryInfo.Category);

        host.Shell.Streams.Error.Clear();
        host.Run("Complete-ObsPreregistration -Ledger ps-bad -Observed @{ 'a' = 'not a number' }");
        Assert.Equal(ErrorCategory.InvalidArgument, Assert.Single(host.Errors).CategoryInfo.Category);
    }
}
