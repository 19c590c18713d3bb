using System.Management.Automation;
using ObsScaling.PowerShell.Model;
using ObsScaling.PowerShell.Session;
using ObsScaling.PowerShell.Tests.Support;

namespace ObsScaling.PowerShell.Tests.Pipelines;

/// <summary>
/// The module's rough edges over a real loopback server: a failed Connect-ObsServer, forecasts' Family and interval
/// view, errors naming parameters once with the valid values, help, and completion that starts nothing.
/// </summary>
public sealed class RoughEdgeTests(KestrelServer server) : IClassFixture<KestrelServer>
{
    private const string Zoo = "New-ObsSyntheticZoo -Seed 3 -Families 6 -ModelsPerFamily 5 | Import-ObsModel -Dataset edge-zoo -Mode Replace -Confirm:$false | Out-Null";

    // Nothing listens on port 1 of loopback.
    private const string DeadEndpoint = "http://127.0.0.1:1";

    [Fact]
    public void A_failed_Connect_ObsServer_keeps_the_previous_connection()
    {
        using var host = server.Connect();
        host.RunClean(Zoo);
        host.Run("Connect-ObsServer -Endpoint $dead", new Dictionary<string, object?> { ["dead"] = DeadEndpoint });
        var error = Assert.Single(host.Errors);
        Assert.Equal(ErrorCategory.ConnectionError, error.CategoryInfo.Category);

        var connection = ModuleHost.Base<ObsConnection>(host.RunClean("Get-ObsConnection").Single());
        Assert.Equal(server.Address, connection.Endpoint);
        Assert.False(connection.Embedded);
        Assert.Contains(host.RunClean("Get-ObsDataset").Select(ModuleHost.Base<ObsDataset>), d => d.Dataset == "edge-zoo");
    }

    [Fact]
    public void A_failed_first_Connect_ObsServer_fails_later_calls_instead_of_starting_the_embedded_server()
    {
        using var host = new ModuleHost();
        host.Run("Connect-ObsServer -Endpoint $dead", new Dictionary<string, object?> { ["dead"] = DeadEndpoint });
        Assert.Single(host.Errors);

        host.Run("Get-ObsDataset");
        var error = Assert.Single(host.Errors);
        Assert.Equal("ObsNotConnected", error.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(ErrorCategory.ConnectionError, error.CategoryInfo.Category);
        Assert.Contains(DeadEndpoint, error.ToString(), StringComparison.Ordinal);
        Assert.Empty(host.RunClean("Get-ObsConnection"));

        // Connecting for real clears it.
        host.RunClean("Connect-ObsServer -Endpoint $a | Out-Null; Get-ObsDataset | Out-Null", new Dictionary<string, object?> { ["a"] = server.Address });
    }

    [Fact]
    public void Forecasts_carry_the_family_and_the_default_view_shows_it_and_the_interval()
    {
        using var host = server.Connect();
        host.RunClean(Zoo);
        var forecasts = host.RunClean("""
            Invoke-ObsFit edge-zoo -Target downstream -Split TopFraction -SplitFraction 0.3 -ReferenceFamily family-01 -Interval Parametric -Name edge-law -Force |
                Get-ObsForecast
            """).Select(ModuleHost.Base<ObsForecast>).ToArray();
        Assert.NotEmpty(forecasts);
        var families = host.RunClean("Get-ObsModel edge-zoo").Select(ModuleHost.Base<ObsModel>).ToDictionary(m => m.Name, m => m.Family);
        Assert.All(forecasts, f => Assert.Equal(families[f.Model], f.Family));
        Assert.All(forecasts, f => Assert.True(f.LowerRaw <= f.PredictedRaw && f.PredictedRaw <= f.UpperRaw));

        Assert.True(forecasts.Select(f => f.Family).Distinct().Count() > 1);

        // The default display set (what a table without the format file shows) has the family and the interval.
        var shown = host.RunClean("$f[0].PSStandardMembers.DefaultDisplayPropertySet.ReferencedPropertyNames", new Dictionary<string, object?> { ["f"] = forecasts }).Select(o => o.ToString()).ToArray();
        Assert.Equal(["Model", "Family", "Predicted", "PredictedRaw", "LowerRaw", "UpperRaw", "Capability", "EquivalentFlopsE21"], shown);
        var view = System.Xml.Linq.XDocument.Load(Path.Combine(ModuleHost.ModuleDirectory, "ObsScaling.format.ps1xml")).Descendants("View")
            .Single(v => v.Element("Name")!.Value == typeof(ObsForecast).FullName).Descendants("PropertyName").Select(e => e.Value).ToArray();
        Assert.Equal(shown, view);
    }

    [Fact]
    public void A_bad_target_is_reported_once_by_parameter_with_the_valid_values_and_a_near_miss()
    {
        using var host = server.Connect();
        host.RunClean(Zoo);
        Assert.Empty(host.Run("Invoke-ObsFit edge-zoo -Target downstrem -ReferenceFamily family-01"));
        var error = Assert.Single(host.Errors);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        var text = error.ToString();
        Assert.Contains("-Target = 'downstrem': unknown metric", text, StringComparison.Ordinal);
        Assert.Contains("Valid values: ", text, StringComparison.Ordinal);
        Assert.Contains("Did you mean 'downstream'?", text, StringComparison.Ordinal);
        Assert.DoesNotContain("spec.target", text, StringComparison.Ordinal);
        Assert.Equal(1, CountOf(text, "downstrem'"));

        // Scripts keep the service's own field paths.
        Assert.Contains(Assert.IsType<ObsServiceException>(error.Exception).Violations, v => v.StartsWith("spec.target:", StringComparison.Ordinal));
    }

    [Fact]
    public void Help_has_about_ObsScaling_and_shows_switches_without_a_value()
    {
        using var host = new ModuleHost();
        var about = string.Concat(host.RunClean("Get-Help about_ObsScaling").Select(o => o.ToString()));
        Assert.Contains("ONE FIT SPECIFICATION", about, StringComparison.Ordinal);
        Assert.Contains("New-ObsFitSpec", about, StringComparison.Ordinal);

        // A switch in the syntax has no value (shown as [-Record]); a valued parameter keeps its type.
        string? ValueOf(string command, string parameter) => host.RunClean(
            "@((Get-Help $c).syntax.syntaxItem | ForEach-Object { $_.parameter } | Where-Object { $_.name -eq $p })[0].parameterValue",
            new Dictionary<string, object?> { ["c"] = command, ["p"] = parameter }).Where(o => o is not null).Select(o => o.ToString()).FirstOrDefault();
        Assert.Null(ValueOf("Get-ObsForecast", "Record"));
        Assert.Null(ValueOf("Invoke-ObsBacktest", "Sweep"));
        Assert.Equal("ObsFitSpec", ValueOf("Invoke-ObsBacktest", "Spec"));

        // Every entry that links about_ObsScaling now finds it.
        var links = System.Xml.Linq.XDocument.Load(Path.Combine(ModuleHost.ModuleDirectory, "en-US", "ObsScaling.PowerShell.dll-Help.xml")).Descendants().Count(e => e.Name.LocalName == "linkText" && e.Value == "about_ObsScaling");
        Assert.True(links >= 19, $"{links} links");
        Assert.True(File.Exists(Path.Combine(ModuleHost.ModuleDirectory, "en-US", "about_ObsScaling.help.txt")));
    }

    [Fact]
    public void Completion_offers_families_split_columns_and_models_from_a_connected_server_and_no_Unspecified()
    {
        using var host = server.Connect();
        host.RunClean(Zoo);
        Assert.Contains("family-02", Complete(host, "Invoke-ObsFit -Dataset edge-zoo -ReferenceFamily fam"));
        Assert.Contains("'FLOPs (1E21)'", Complete(host, "Invoke-ObsFit -Dataset edge-zoo -SplitColumn "));
        Assert.Contains("bench-1", Complete(host, "Invoke-ObsFit -Dataset edge-zoo -SplitColumn "));
        var model = host.RunClean("Get-ObsModel edge-zoo").Select(ModuleHost.Base<ObsModel>).First().Name;
        Assert.Contains(model, Complete(host, "Invoke-ObsFit -Dataset edge-zoo -TestModel "));
        Assert.Contains("Explicit", Complete(host, "Invoke-ObsFit -Dataset edge-zoo -Split "));
        foreach (var line in new[] { "Invoke-ObsFit -Split ", "Invoke-ObsFit -Interval ", "Compare-ObsTechnique -Interval ", "Invoke-ObsBacktest -Link ", "Import-ObsModel -Mode ", "Get-ObsPreregistration -State " })
        {
            var values = Complete(host, line);
            Assert.NotEmpty(values);
            Assert.DoesNotContain("Unspecified", values);
        }
    }

    [Fact]
    public void Completion_without_a_connection_starts_no_server_and_offers_nothing()
    {
        using var host = new ModuleHost();
        Assert.Empty(Complete(host, "Invoke-ObsFit -Dataset zoo -ReferenceFamily "));
        Assert.Empty(Complete(host, "Invoke-ObsFit -Dataset "));
        Assert.Empty(host.RunClean("Get-ObsConnection"));
    }

    [Fact]
    public void Get_ObsModel_lists_a_dataset_and_selects_models_by_name()
    {
        using var host = server.Connect();
        var zoo = host.RunClean("New-ObsSyntheticZoo -Seed 4 -Families 3 -ModelsPerFamily 4").Select(ModuleHost.Base<ObsModel>).ToArray();
        host.RunClean("$z | Import-ObsModel -Dataset edge-list -Mode Replace -Confirm:$false | Out-Null", new Dictionary<string, object?> { ["z"] = zoo });
        var all = host.RunClean("Get-ObsModel edge-list").Select(ModuleHost.Base<ObsModel>).ToArray();
        Assert.Equal(zoo.Select(m => m.Name).Order(StringComparer.Ordinal), all.Select(m => m.Name).Order(StringComparer.Ordinal));
        Assert.All(all, m => Assert.Equal("edge-list", m.Dataset));
        var first = zoo[0];
        var got = all.Single(m => m.Name == first.Name);
        Assert.Equal((first.Family, first.FlopsE21), (got.Family, got.FlopsE21));
        Assert.Equal(first.Scores.OrderBy(kv => kv.Key, StringComparer.Ordinal), got.Scores.OrderBy(kv => kv.Key, StringComparer.Ordinal));

        var picked = host.RunClean("Get-ObsModel edge-list -Name $n", new Dictionary<string, object?> { ["n"] = new[] { zoo[1].Name, zoo[2].Name } }).Select(ModuleHost.Base<ObsModel>).ToArray();
        Assert.Equal([zoo[1].Name, zoo[2].Name], picked.Select(m => m.Name));

        host.Run("Get-ObsModel no-such-dataset");
        Assert.Equal(ErrorCategory.ObjectNotFound, Assert.Single(host.Errors).CategoryInfo.Category);
    }

    private static string[] Complete(ModuleHost host, string line) =>
        host.RunClean("(TabExpansion2 -inputScript $l -cursorColumn $l.Length).CompletionMatches.CompletionText", new Dictionary<string, object?> { ["l"] = line })
            .Where(o => o is not null).Select(o => o.ToString()).ToArray();

    private static int CountOf(string text, string part)
    {
        var n = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }
}
