using System.Globalization;
using System.Management.Automation;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Import;
using ObsScaling.PowerShell.Completion;
using ObsScaling.PowerShell.Model;
using ObsScaling.PowerShell.Session;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.PowerShell.Cmdlets;

/// <summary>
/// Reads the paper's wide CSV files into model objects, or (with -Dataset) uploads them, or piped models, to a
/// named dataset and returns the dataset. Flat rows (Import-Csv of exported models) bind as models through
/// <see cref="ObsModelConverter"/>; without -Dataset they come back out as models.
/// </summary>
[Cmdlet(VerbsData.Import, "ObsModel", DefaultParameterSetName = PathSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ObsModel), ParameterSetName = [PathSet, InputObjectSet])]
[OutputType(typeof(ObsDataset), ParameterSetName = [PathSet, InputObjectSet])]
public sealed class ImportObsModel : ObsCmdlet
{
    public const string PathSet = "Path";
    public const string InputObjectSet = "InputObject";

    private readonly List<ObsModel> _models = [];
    private readonly List<ObsMetric> _metrics = [];
    private ModelSet? _joined;

    /// <summary>CSV files in the paper's layout (a Model column, metadata columns, one column per metric).</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet)]
    [Alias("FullName", "PSPath")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    /// <summary>Inner-join the files on model name (e.g. instruct benchmarks with agent scores) instead of concatenating them.</summary>
    [Parameter(ParameterSetName = PathSet)]
    public SwitchParameter Join { get; set; }

    /// <summary>Models to upload (from Import-ObsModel, Get-ObsModel, New-ObsSyntheticZoo, or flat rows from Import-Csv).</summary>
    /// <remarks>
    /// Typed PSObject rather than ObsModel: a flat row with a bad cell then fails here, with an error naming the
    /// column and its value, instead of in the binder as "the input object cannot be bound".
    /// </remarks>
    [Parameter(Mandatory = true, ParameterSetName = InputObjectSet, ValueFromPipeline = true)]
    public PSObject[] InputObject { get; set; } = [];

    /// <summary>Upload to this dataset (ID, e.g. "paper-base") and return it, instead of returning the models.</summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = InputObjectSet)]
    [ArgumentCompleter(typeof(DatasetCompleter))]
    public string? Dataset { get; set; }

    /// <summary>CreateOrAppend (default), Create, Append, or Replace (the dataset's models become exactly these: asks for confirmation).</summary>
    [Parameter]
    [ValidateSet("Create", "Append", "CreateOrAppend", "Replace")]
    public V1.ImportMode Mode { get; set; } = V1.ImportMode.CreateOrAppend;

    [Parameter]
    public string? DisplayName { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == InputObjectSet)
        {
            foreach (var row in InputObject.Where(m => m is not null))
            {
                var m = ToModel(row);
                if (m is null)
                {
                    continue;
                }

                if (Dataset is null)
                {
                    WriteObject(m);
                    continue;
                }

                _models.Add(m);
                AddMetrics(m.Metrics);
            }

            return;
        }

        foreach (var p in Path)
        {
            var file = Resolve(p);
            if (file is null)
            {
                continue;
            }

            ModelSet set;
            try
            {
                using var reader = File.OpenText(file);
                set = PaperCsvReader.Read(reader, System.IO.Path.GetFileName(file));
            }
            catch (ObsValidationException ex)
            {
                WriteError(new ErrorRecord(ex, "ObsInvalidCsv", ErrorCategory.InvalidData, file));
                continue;
            }
            catch (IOException ex)
            {
                WriteError(new ErrorRecord(ex, "ObsCsvUnreadable", ErrorCategory.ReadError, file));
                continue;
            }

            if (Join)
            {
                try
                {
                    _joined = _joined is null ? set : _joined.Join(set);
                }
                catch (ObsValidationException ex)
                {
                    WriteError(new ErrorRecord(ex, "ObsJoinFailed", ErrorCategory.InvalidData, file));
                }

                continue;
            }

            Emit(set);
        }
    }

    protected override void EndProcessing()
    {
        if (_joined is not null)
        {
            Emit(_joined);
        }

        if (Dataset is null || _models.Count == 0)
        {
            return;
        }

        var id = Names.DatasetId(Dataset);
        var action = Mode == V1.ImportMode.Replace ? $"Replace every model with {_models.Count} models" : $"Import {_models.Count} models ({Mode})";
        if (!ShouldProcess("datasets/" + id, action))
        {
            return;
        }

        TryCall(() => WriteObject(Upload(id)), Dataset);
    }

    private ObsDataset Upload(string id)
    {
        using var call = Client.ImportModels(Call());
        var header = new V1.ImportHeader { Dataset = id, Mode = Mode, DisplayName = DisplayName ?? "" };
        header.Metrics.AddRange(_metrics.Select(m => m.ToProto()));
        Await(call.RequestStream.WriteAsync(new V1.ImportModelsRequest { Header = header }));
        foreach (var m in _models)
        {
            Await(call.RequestStream.WriteAsync(new V1.ImportModelsRequest { Model = m.ToProto() }));
        }

        Await(call.RequestStream.CompleteAsync());
        var response = Await(call.ResponseAsync);
        var ds = ObsDataset.FromProto(response.Dataset);
        ds.ModelsAdded = response.ModelsAdded;
        ds.ModelsReplaced = response.ModelsReplaced;
        return ds;
    }

    private void Emit(ModelSet set)
    {
        var metrics = set.OrderedMetrics().Select(ObsMetric.FromDomain).ToArray();
        foreach (var r in set.Models)
        {
            var m = ObsModel.FromDomain(r, metrics);
            if (Dataset is null)
            {
                WriteObject(m);
            }
            else
            {
                // A model read twice (from two files) is sent once, the later one winning, as the service would store it.
                _models.RemoveAll(x => x.Name == m.Name);
                _models.Add(m);
            }
        }

        AddMetrics(metrics);
    }

    /// <summary>The model a piped object is (an ObsModel) or describes (a flat row); null after writing why not.</summary>
    private ObsModel? ToModel(PSObject row)
    {
        if (row.BaseObject is ObsModel model)
        {
            return model;
        }

        var converter = new ObsModelConverter();
        if (!converter.CanConvertFrom(row, typeof(ObsModel)))
        {
            WriteError(new ErrorRecord(
                new ArgumentException($"-InputObject takes models (ObsModel) or flat rows with a Name column and one column per metric, not {row.BaseObject.GetType().FullName}."),
                "ObsNotAModel", ErrorCategory.InvalidArgument, row));
            return null;
        }

        try
        {
            return (ObsModel)converter.ConvertFrom(row, typeof(ObsModel), CultureInfo.InvariantCulture, true);
        }
        catch (PSInvalidCastException ex)
        {
            WriteError(new ErrorRecord(new ArgumentException("-InputObject: " + ex.Message, ex), "ObsInvalidModelRow", ErrorCategory.InvalidData, row));
            return null;
        }
    }

    private void AddMetrics(IEnumerable<ObsMetric> metrics)
    {
        foreach (var m in metrics)
        {
            var at = _metrics.FindIndex(x => x.Name == m.Name);
            if (at < 0)
            {
                _metrics.Add(m);
            }
        }
    }

    private string? Resolve(string path)
    {
        try
        {
            var resolved = SessionState.Path.GetResolvedProviderPathFromPSPath(path, out _);
            if (resolved.Count > 0 && File.Exists(resolved[0]))
            {
                return resolved[0];
            }
        }
        catch (ItemNotFoundException)
        {
        }
        catch (System.Management.Automation.DriveNotFoundException)
        {
        }
        catch (ProviderNotFoundException)
        {
        }

        WriteError(ObsErrors.NotFound($"Cannot find the file '{path}'.", path));
        return null;
    }
}
