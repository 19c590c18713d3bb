using System.Globalization;
using System.Management.Automation;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using ObsScaling.Core.Domain;
using ObsScaling.PowerShell.Model;

namespace ObsScaling.PowerShell.Cmdlets;

/// <summary>
/// Writes models in the paper's wide CSV layout (Model, Model Family, Model Size (B), Pretraining Data Size (T),
/// FLOPs (1E21), then one column per metric; empty cells where unknown), the file Import-ObsModel -Path reads back.
/// Written with CsvHelper, the library the importer reads it with (RFC 4180 quoting: a name with a comma, a quote, a
/// line break or edge spaces is quoted). The whole text is made before the file is opened, so a failed export leaves
/// no half-written file.
/// </summary>
[Cmdlet(VerbsData.Export, "ObsModel", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(FileInfo))]
public sealed class ExportObsModel : PSCmdlet
{
    private static readonly CsvConfiguration Layout = new(CultureInfo.InvariantCulture) { NewLine = "\n" };
    private readonly List<ObsModel> _models = [];

    /// <summary>Models from Get-ObsModel, Import-ObsModel or New-ObsSyntheticZoo.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public ObsModel[] InputObject { get; set; } = [];

    /// <summary>The CSV file to write.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>Overwrite an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Write the FileInfo of the file.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord() => _models.AddRange(InputObject.Where(m => m is not null));

    protected override void EndProcessing()
    {
        var file = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        if (File.Exists(file) && !Force)
        {
            WriteError(new ErrorRecord(new IOException($"'{file}' exists; use -Force to overwrite it."), "ObsFileExists", ErrorCategory.ResourceExists, file));
            return;
        }

        if (!ShouldProcess(file, $"Write {_models.Count} models as a wide CSV"))
        {
            return;
        }

        // Metric columns in the models' own metric order, then any score no model declared.
        var metrics = _models.SelectMany(m => m.Metrics.Select(x => x.Name)).Concat(_models.SelectMany(m => m.Scores.Keys)).Distinct(StringComparer.Ordinal).ToArray();
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = new CsvWriter(text, Layout, leaveOpen: true))
        {
            Record(csv, [ModelColumns.Model, ModelColumns.Family, ModelColumns.ParametersB, ModelColumns.TokensT, ModelColumns.FlopsE21, .. metrics]);
            foreach (var m in _models)
            {
                Record(csv, [m.Name, m.Family ?? "", Number(m.ParametersB), Number(m.TokensT), Number(m.FlopsE21), .. metrics.Select(k => m.Scores.TryGetValue(k, out var v) ? Number(v) : "")]);
            }
        }

        try
        {
            File.WriteAllText(file, text.ToString(), new UTF8Encoding(false));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            WriteError(new ErrorRecord(ex, "ObsExportFailed", ErrorCategory.WriteError, file));
            return;
        }

        if (PassThru)
        {
            WriteObject(new FileInfo(file));
        }
    }

    private static string Number(double? v) => v is { } x ? x.ToString("R", CultureInfo.InvariantCulture) : "";

    private static void Record(CsvWriter csv, IEnumerable<string> cells)
    {
        foreach (var cell in cells)
        {
            csv.WriteField(cell);
        }

        csv.NextRecord();
    }
}
