using System.Management.Automation;
using System.Reflection;
using System.Xml.Linq;
using ObsScaling.PowerShell.Cmdlets;
using ObsScaling.PowerShell.Model;
using ObsScaling.PowerShell.Tests.Support;

namespace ObsScaling.PowerShell.Tests.Conventions;

/// <summary>Manifest, help, format views and naming conventions of the shipped module.</summary>
public sealed class ConventionTests
{
    private static readonly Type[] CmdletTypes = typeof(ObsCmdlet).Assembly.GetTypes()
        .Where(t => t.GetCustomAttribute<CmdletAttribute>() is not null).ToArray();

    private static readonly HashSet<string> ApprovedVerbs = new[] { typeof(VerbsCommon), typeof(VerbsData), typeof(VerbsLifecycle), typeof(VerbsCommunications), typeof(VerbsDiagnostic), typeof(VerbsSecurity), typeof(VerbsOther) }
        .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static)).Select(f => (string)f.GetValue(null)!).ToHashSet(StringComparer.Ordinal);

    [Fact]
    public void The_manifest_exports_exactly_the_cmdlets_of_the_assembly()
    {
        using var host = new ModuleHost();
        var exported = host.RunClean("(Get-Module ObsScaling).ExportedCmdlets.Keys").Select(o => (string)o.BaseObject).Order(StringComparer.Ordinal).ToArray();
        var declared = CmdletTypes.Select(Name).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(declared, exported);
        Assert.Equal(new Version(7, 6), ModuleHost.Base<PSModuleInfo>(host.RunClean("Get-Module ObsScaling").Single()).PowerShellVersion);
    }

    [Fact]
    public void Cmdlets_use_approved_verbs_the_Obs_prefix_singular_nouns_and_declare_output_types()
    {
        foreach (var t in CmdletTypes)
        {
            var a = t.GetCustomAttribute<CmdletAttribute>()!;
            Assert.Contains(a.VerbName, ApprovedVerbs);
            Assert.StartsWith("Obs", a.NounName, StringComparison.Ordinal);
            Assert.False(a.NounName.EndsWith('s') && !a.NounName.EndsWith("ss", StringComparison.Ordinal), $"{Name(t)}: plural noun");
            Assert.NotEmpty(t.GetCustomAttributes<OutputTypeAttribute>());
        }
    }

    [Fact]
    public void Cmdlets_that_delete_or_overwrite_support_WhatIf_and_Confirm()
    {
        foreach (var t in new[] { typeof(RemoveObsDataset), typeof(ImportObsModel), typeof(InvokeObsFit) })
        {
            Assert.True(t.GetCustomAttribute<CmdletAttribute>()!.SupportsShouldProcess, Name(t));
        }

        Assert.Equal(ConfirmImpact.High, typeof(RemoveObsDataset).GetCustomAttribute<CmdletAttribute>()!.ConfirmImpact);
    }

    [Fact]
    public void Every_exported_cmdlet_has_help_with_a_synopsis_a_description_parameters_and_an_example()
    {
        using var host = new ModuleHost();
        foreach (var name in CmdletTypes.Select(Name))
        {
            var help = host.RunClean("Get-Help $name -Full", new Dictionary<string, object?> { ["name"] = name }).Single();
            var synopsis = help.Properties["Synopsis"].Value?.ToString() ?? "";
            Assert.False(string.IsNullOrWhiteSpace(synopsis), name);
            Assert.DoesNotContain(name + " [", synopsis, StringComparison.Ordinal);
            Assert.NotNull(help.Properties["description"].Value);

            var examples = host.RunClean("(Get-Help $name -Examples).examples.example", new Dictionary<string, object?> { ["name"] = name });
            Assert.True(examples.Count >= 1, $"{name}: no example");
            Assert.Contains("PS>", examples[0].Properties["code"].Value?.ToString() ?? "", StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Help_documents_every_public_parameter()
    {
        var help = XDocument.Load(Path.Combine(ModuleHost.ModuleDirectory, "en-US", "ObsScaling.PowerShell.dll-Help.xml"));
        XNamespace command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
        XNamespace maml = "http://schemas.microsoft.com/maml/2004/10";
        foreach (var t in CmdletTypes)
        {
            var entry = help.Descendants(command + "command").Single(c => c.Element(command + "details")!.Element(command + "name")!.Value == Name(t));
            var documented = entry.Element(command + "parameters")!.Elements(command + "parameter").Select(p => p.Element(maml + "name")!.Value).ToHashSet();
            foreach (var p in t.GetProperties().Where(p => p.GetCustomAttributes<ParameterAttribute>().Any()))
            {
                Assert.Contains(p.Name, documented);
            }
        }
    }

    [Fact]
    public void The_format_file_has_a_table_view_for_every_output_type()
    {
        var format = XDocument.Load(Path.Combine(ModuleHost.ModuleDirectory, "ObsScaling.format.ps1xml"));
        var views = format.Descendants("View").Where(v => v.Element("TableControl") is not null).Select(v => v.Element("ViewSelectedBy")!.Element("TypeName")!.Value).ToHashSet();
        // System types (Export-ObsPlot's FileInfo) keep the views PowerShell ships for them.
        var outputs = CmdletTypes.SelectMany(t => t.GetCustomAttributes<OutputTypeAttribute>()).SelectMany(o => o.Type).Select(t => t.Type?.FullName ?? t.Name)
            .Where(n => !n.StartsWith("System.", StringComparison.Ordinal)).ToHashSet();
        Assert.Contains(typeof(ObsForecast).FullName!, outputs);
        Assert.All(outputs, o => Assert.Contains(o, views));
    }

    [Fact]
    public void Every_default_display_set_is_its_table_views_property_columns_and_names_real_properties()
    {
        // The table views are the one source: types.ps1xml is generated from them, and a loaded module must see both agree.
        var format = XDocument.Load(Path.Combine(ModuleHost.ModuleDirectory, "ObsScaling.format.ps1xml"));
        var views = format.Descendants("View").Where(v => v.Element("TableControl") is not null).ToDictionary(
            v => v.Element("ViewSelectedBy")!.Element("TypeName")!.Value.Trim(),
            v => v.Element("TableControl")!.Descendants("TableRowEntry").First().Descendants("TableColumnItem")
                .Select(i => i.Element("PropertyName")?.Value.Trim()).OfType<string>().ToArray());
        var instances = views.Keys.Select(t => Activator.CreateInstance(typeof(ObsModel).Assembly.GetType(t, throwOnError: true)!)).ToArray();
        using var host = new ModuleHost();
        var sets = host.RunClean("foreach ($o in $objects) { [pscustomobject]@{ Type = $o.GetType().FullName; Columns = [string[]]$o.PSStandardMembers.DefaultDisplayPropertySet.ReferencedPropertyNames } }", new Dictionary<string, object?> { ["objects"] = instances })
            .ToDictionary(o => (string)o.Properties["Type"].Value, o => (string[])o.Properties["Columns"].Value);
        Assert.Equal(views.Keys.Order(StringComparer.Ordinal), sets.Keys.Order(StringComparer.Ordinal));
        foreach (var (type, columns) in views)
        {
            Assert.True(columns.SequenceEqual(sets[type]), $"{type}: table view [{string.Join(", ", columns)}], display set [{string.Join(", ", sets[type])}]");
            var clr = typeof(ObsModel).Assembly.GetType(type, throwOnError: true)!;
            var flat = type == typeof(ObsModel).FullName ? ObsModelAdapter.Fields.Concat(ObsModelAdapter.Hidden) : [];
            Assert.All(columns, c => Assert.True(clr.GetProperty(c) is not null || flat.Contains(c), $"{type} has no property {c}"));
        }
    }

    [Fact]
    public void New_ObsSyntheticZoo_is_deterministic_for_a_seed()
    {
        using var host = new ModuleHost();
        string Fingerprint(int seed) => string.Join(";", host.RunClean("New-ObsSyntheticZoo -Seed $s -Families 4 -ModelsPerFamily 3", new Dictionary<string, object?> { ["s"] = seed })
            .Select(ModuleHost.Base<ObsModel>)
            .Select(m => m.Name + ":" + string.Join(",", m.Scores.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))));
        var a = Fingerprint(9);
        Assert.Equal(a, Fingerprint(9));
        Assert.NotEqual(a, Fingerprint(10));
        Assert.Equal(12, a.Split(';').Length);
    }

    private static string Name(Type t)
    {
        var a = t.GetCustomAttribute<CmdletAttribute>()!;
        return a.VerbName + "-" + a.NounName;
    }
}
