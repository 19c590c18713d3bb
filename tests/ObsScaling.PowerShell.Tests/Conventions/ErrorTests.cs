using System.Management.Automation;
using ObsScaling.PowerShell.Model;
using ObsScaling.PowerShell.Session;
using ObsScaling.PowerShell.Tests.Support;

namespace ObsScaling.PowerShell.Tests.Conventions;

/// <summary>Service failures surface as PowerShell errors with the documented category and target.</summary>
public sealed class ErrorTests(KestrelServer server) : IClassFixture<KestrelServer>
{
    private const string Fit = "Invoke-ObsFit -Target downstream -CapabilityMetric bench-1, bench-2, bench-3, bench-4 -Split Random -SplitFraction 0.25 -Seed 3 -ReferenceFamily family-01";

    [Fact]
    public void An_invalid_fit_setting_is_InvalidArgument_naming_the_field_and_value()
    {
        using var host = server.Connect();
        host.RunClean("New-ObsSyntheticZoo -Seed 2 -Families 4 -ModelsPerFamily 3 | Import-ObsModel -Dataset err-zoo -Mode Replace -Confirm:$false | Out-Null");
        host.Run("Invoke-ObsFit err-zoo -Target no-such-metric");
        var error = Assert.Single(host.Errors);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains("target", error.Exception.Message, StringComparison.Ordinal);
        Assert.Contains("no-such-metric", error.Exception.Message, StringComparison.Ordinal);
        Assert.NotEmpty(Assert.IsType<ObsServiceException>(error.Exception).Violations);
    }

    [Fact]
    public void Unknown_datasets_are_ObjectNotFound_per_input_and_the_rest_go_on()
    {
        using var host = server.Connect();
        host.RunClean("New-ObsSyntheticZoo -Seed 2 -Families 2 -ModelsPerFamily 2 | Import-ObsModel -Dataset found-a | Out-Null");
        var output = host.Run("Get-ObsDataset found-a, missing-b, found-a");
        Assert.Equal(2, output.Count);
        var error = Assert.Single(host.Errors);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal("missing-b", error.TargetObject);
    }

    [Fact]
    public void Creating_an_existing_dataset_is_ResourceExists()
    {
        using var host = server.Connect();
        host.RunClean("New-ObsSyntheticZoo -Seed 2 -Families 2 -ModelsPerFamily 2 | Import-ObsModel -Dataset twice | Out-Null");
        host.Run("New-ObsSyntheticZoo -Seed 2 -Families 2 -ModelsPerFamily 2 | Import-ObsModel -Dataset twice -Mode Create");
        var error = Assert.Single(host.Errors);
        Assert.Equal(ErrorCategory.ResourceExists, error.CategoryInfo.Category);
        Assert.Equal("twice", error.TargetObject);
    }

    [Fact]
    public void Removing_a_dataset_with_fits_without_Force_is_InvalidOperation()
    {
        using var host = server.Connect();
        host.RunClean($"New-ObsSyntheticZoo -Seed 3 -Families 4 -ModelsPerFamily 3 | Import-ObsModel -Dataset with-fits -Mode Replace -Confirm:$false | {Fit} | Out-Null");
        host.Run("Remove-ObsDataset with-fits -Confirm:$false");
        Assert.Equal(ErrorCategory.InvalidOperation, Assert.Single(host.Errors).CategoryInfo.Category);
        host.RunClean("Remove-ObsDataset with-fits -Force -Confirm:$false");
    }

    [Fact]
    public void A_model_missing_from_the_dataset_is_ObjectNotFound_and_the_others_are_forecast()
    {
        using var host = server.Connect();
        var law = ModuleHost.Base<ObsLaw>(host.RunClean($"New-ObsSyntheticZoo -Seed 3 -Families 4 -ModelsPerFamily 3 | Import-ObsModel -Dataset fc-zoo -Mode Replace -Confirm:$false | {Fit}").Single());
        var output = host.Run("Get-ObsForecast $fit -Model $a, 'ghost-model', $b", new Dictionary<string, object?> { ["fit"] = law.Fit, ["a"] = law.TestModels[0], ["b"] = law.TestModels[1] });
        Assert.Equal([law.TestModels[0], law.TestModels[1]], output.Select(o => ModuleHost.Base<ObsForecast>(o).Model).ToArray());
        var error = Assert.Single(host.Errors);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal("ghost-model", error.TargetObject);
    }

    [Fact]
    public void An_unreachable_server_is_a_terminating_ConnectionError_naming_the_endpoint()
    {
        using var host = new ModuleHost();
        // Terminating: the catch block runs instead of the rest of the try block.
        var caught = host.Run("try { Connect-ObsServer http://127.0.0.1:1; 'went on' } catch { $_ }");
        var record = ModuleHost.Base<ErrorRecord>(Assert.Single(caught));
        Assert.Equal(ErrorCategory.ConnectionError, record.CategoryInfo.Category);
        Assert.Contains("http://127.0.0.1:1", record.Exception.Message, StringComparison.Ordinal);
        Assert.Equal("http://127.0.0.1:1", record.TargetObject);
        Assert.Empty(host.RunClean("Get-ObsConnection"));
    }

    [Fact]
    public void A_bad_endpoint_is_InvalidArgument()
    {
        using var host = new ModuleHost();
        host.Run("Connect-ObsServer ftp://example.org");
        Assert.Equal(ErrorCategory.InvalidArgument, Assert.Single(host.Errors).CategoryInfo.Category);
    }

    [Fact]
    public void Invalid_zoo_options_are_InvalidArgument()
    {
        using var host = new ModuleHost();
        host.Run("New-ObsSyntheticZoo -Families 0");
        var error = Assert.Single(host.Errors);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains("families", error.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_csv_is_ObjectNotFound_and_the_other_files_are_read()
    {
        using var host = new ModuleHost();
        var file = Path.Combine(Path.GetTempPath(), "obs-ps-" + Guid.NewGuid().ToString("N")[..8] + ".csv");
        File.WriteAllText(file, "Model,Model Family,MMLU\na,f,0.5\nb,f,0.6\n");
        try
        {
            var output = host.Run("Import-ObsModel -Path $missing, $file", new Dictionary<string, object?> { ["missing"] = file + ".nope", ["file"] = file });
            Assert.Equal(["a", "b"], output.Select(o => ModuleHost.Base<ObsModel>(o).Name).ToArray());
            Assert.Equal(ErrorCategory.ObjectNotFound, Assert.Single(host.Errors).CategoryInfo.Category);
        }
        finally
        {
            File.Delete(file);
        }
    }
}

/// <summary>A server with an API key: calls without it are AuthenticationError; with it they work.</summary>
public sealed class AuthenticationTests(KeyedKestrelServer keyed) : IClassFixture<KeyedKestrelServer>
{
    [Fact]
    public void A_missing_key_is_AuthenticationError_and_the_right_key_connects()
    {
        using var host = new ModuleHost();
        host.Run("Connect-ObsServer $address", new Dictionary<string, object?> { ["address"] = keyed.Server.Address });
        Assert.Equal(ErrorCategory.AuthenticationError, Assert.Single(host.Errors).CategoryInfo.Category);

        using var ok = keyed.Server.Connect(KeyedKestrelServer.Key);
        var connection = ModuleHost.Base<ObsConnection>(ok.RunClean("Get-ObsConnection").Single());
        Assert.True(connection.ApiKeySet);
        Assert.False(connection.Embedded);
        ok.RunClean("Get-ObsDataset");
    }
}
