using System.Diagnostics;
using System.Management.Automation;
using ObsScaling.PowerShell.Model;
using ObsScaling.PowerShell.Tests.Support;

namespace ObsScaling.PowerShell.Tests.Pipelines;

/// <summary>Pipeline binding by property name and by value, -WhatIf, Stop() and completion over a loopback server.</summary>
public sealed class BindingAndCancellationTests(KestrelServer server) : IClassFixture<KestrelServer>
{
    private const string Zoo = "New-ObsSyntheticZoo -Seed 11 -Families 6 -ModelsPerFamily 4";
    private const string Fit = "Invoke-ObsFit -Target downstream -CapabilityMetric bench-1, bench-2, bench-3, bench-4, bench-5, bench-6, bench-7, bench-8 -Split Random -SplitFraction 0.25 -Seed 3 -ReferenceFamily family-01";

    [Fact]
    public void Any_object_with_Dataset_and_Fit_properties_binds_by_property_name()
    {
        using var host = server.Connect();
        host.RunClean($"{Zoo} | Import-ObsModel -Dataset bind-zoo -Mode Replace -Confirm:$false | Out-Null");

        var space = ModuleHost.Base<ObsCapabilitySpace>(host.RunClean("[pscustomobject]@{ Dataset = 'bind-zoo' } | Invoke-ObsDecomposition -SpaceOnly").Single());
        Assert.Equal("bind-zoo", space.Dataset);
        Assert.Equal(24, space.ModelCount);

        var law = ModuleHost.Base<ObsLaw>(host.RunClean($"[pscustomobject]@{{ Dataset = 'bind-zoo' }} | {Fit} -Name by-prop").Single());
        var forecasts = host.RunClean("[pscustomobject]@{ Fit = $fit } | Get-ObsForecast -Model $m", new Dictionary<string, object?> { ["fit"] = law.Fit, ["m"] = law.TestModels[0] });
        Assert.Contains(forecasts.Select(ModuleHost.Base<ObsForecast>), f => f.Model == law.TestModels[0]);
    }

    [Fact]
    public void Models_piped_by_value_are_forecast_with_the_named_fit_in_order()
    {
        using var host = server.Connect();
        var law = ModuleHost.Base<ObsLaw>(host.RunClean($"{Zoo} | Import-ObsModel -Dataset value-zoo -Mode Replace -Confirm:$false | {Fit} -Name by-value").Single());
        var models = host.RunClean($"{Zoo}").Select(ModuleHost.Base<ObsModel>).Take(5).Select(m => m.Name).ToArray();
        var forecasts = host.RunClean($"{Zoo} | Where-Object {{ $names -contains $_.Name }} | Get-ObsForecast -Fit $fit", new Dictionary<string, object?> { ["fit"] = law.Fit, ["names"] = models })
            .Select(ModuleHost.Base<ObsForecast>).ToList();
        Assert.Equal(models, forecasts.Select(f => f.Model).ToArray());
        foreach (var f in forecasts)
        {
            // Forecasting from the scores reproduces the law's stored prediction of every dataset model.
            Assert.Equal(law.Predictions.Single(p => p.Model == f.Model).Predicted, f.Predicted, 8);
        }
    }

    [Fact]
    public void WhatIf_on_Remove_ObsDataset_leaves_the_dataset_and_Confirm_false_removes_it()
    {
        using var host = server.Connect();
        host.RunClean($"{Zoo} | Import-ObsModel -Dataset doomed | Out-Null");
        host.RunClean("Remove-ObsDataset doomed -WhatIf");
        Assert.Equal(24, ModuleHost.Base<ObsDataset>(host.RunClean("Get-ObsDataset doomed").Single()).ModelCount);

        host.RunClean("Get-ObsDataset doomed | Remove-ObsDataset -Confirm:$false");
        host.Run("Get-ObsDataset doomed");
        Assert.Equal(ErrorCategory.ObjectNotFound, Assert.Single(host.Errors).CategoryInfo.Category);
    }

    [Fact]
    public void Stop_cancels_a_running_watch_promptly()
    {
        using var host = server.Connect();
        host.RunClean($"{Zoo} | Import-ObsModel -Dataset watched -Mode Replace -Confirm:$false | Out-Null");
        var shell = host.Shell;
        shell.Commands.Clear();
        shell.AddScript("Watch-ObsFit watched");
        var running = shell.BeginInvoke();
        Assert.False(running.AsyncWaitHandle.WaitOne(1000), "the watch ended by itself");
        var clock = Stopwatch.StartNew();
        shell.Stop();
        Assert.True(running.AsyncWaitHandle.WaitOne(5000), "Stop() did not end the watch");
        Assert.InRange(clock.Elapsed.TotalSeconds, 0, 5);
        Assert.Equal(PSInvocationState.Stopped, shell.InvocationStateInfo.State);
    }

    [Fact]
    public void Watch_emits_each_refit_after_the_dataset_changes()
    {
        using var host = server.Connect();
        host.RunClean($"{Zoo} | Import-ObsModel -Dataset refit-zoo -Mode Replace -Confirm:$false | {Fit} -Name watched-law | Out-Null");
        using var other = server.Connect();
        var shell = host.Shell;
        shell.Commands.Clear();
        shell.AddScript("Watch-ObsFit refit-zoo -Count 1");
        var running = shell.BeginInvoke();
        Thread.Sleep(500);
        other.RunClean("New-ObsSyntheticZoo -Seed 12 -Families 1 -ModelsPerFamily 3 | Import-ObsModel -Dataset refit-zoo -Mode Append | Out-Null");
        Assert.True(running.AsyncWaitHandle.WaitOne(30_000), "no refit arrived");
        var law = ModuleHost.Base<ObsLaw>(shell.EndInvoke(running).Single());
        Assert.Equal("datasets/refit-zoo/fits/watched-law", law.Fit);
        Assert.Equal("refit", law.Reason);
    }

    [Fact]
    public void Dataset_and_metric_arguments_complete_from_the_server()
    {
        using var host = server.Connect();
        host.RunClean($"{Zoo} | Import-ObsModel -Dataset completion-zoo -Mode Replace -Confirm:$false | Out-Null");
        var datasets = Complete(host, "Invoke-ObsDecomposition -Dataset completion-");
        Assert.Contains("completion-zoo", datasets);
        var metrics = Complete(host, "Invoke-ObsFit -Dataset completion-zoo -Target bench-");
        Assert.Equal(Enumerable.Range(1, 8).Select(i => $"bench-{i}").Order(StringComparer.OrdinalIgnoreCase), metrics);
    }

    private static List<string> Complete(ModuleHost host, string input) =>
        CommandCompletion.CompleteInput(input, input.Length, null, host.Shell).CompletionMatches.Select(c => c.CompletionText).ToList();
}
