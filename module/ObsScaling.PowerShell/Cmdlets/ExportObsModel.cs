using System.Globalization;
using System.Management.Automation;
using System.Text;
using ObsScaling.Core.Domain;
using ObsScaling.PowerShell.Model;

namespace ObsScaling.PowerShell.Cmdlets;

/// <summary>
/// Writes models in the paper's wide CSV layout (Model, Model Family, Model Size (B), Pretraining Data Size (T),
/// FLOPs (1E21), then one column per metric; empty cells where unknown), the file Import-ObsModel -Path reads back.
/// Export-Csv cannot: a model's scores are a dictionary, one cell.
/// </summary>
[Cmdlet(VerbsData.Export, "ObsModel", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(FileInfo))]
public sealed class ExportObsModel : PSCmdlet
{
    private static readonly char[] NeedsQuotes = [',', '"', '\n', '\r'];
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
        var text = new StringBuilder();
        Line(text, [ModelColumns.Model, ModelColumns.Family, ModelColumns.ParametersB, ModelColumns.TokensT, ModelColumns.FlopsE21, .. metrics]);
        foreach (var m in _models)
        {
            Line(text, [m.Name, m.Family ?? "", Number(m.ParametersB), Number(m.TokensT), Number(m.FlopsE21), .. metrics.Select(k => m.Scores.TryGetValue(k, out var v) ? Number(v) : "")]);
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

    private static void Line(StringBuilder text, IEnumerable<string> cells)
    {
        text.AppendJoin(',', cells.Select(c => c.IndexOfAny(NeedsQuotes) >= 0 || c != c.Trim() ? "\"" + c.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : c));
        text.Append('\n');
    }
}
