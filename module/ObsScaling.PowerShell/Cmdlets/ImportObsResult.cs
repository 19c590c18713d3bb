using System.Management.Automation;
using Google.Protobuf;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Import.Results;
using ObsScaling.PowerShell.Completion;
using ObsScaling.PowerShell.Model;
using ObsScaling.PowerShell.Session;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.PowerShell.Cmdlets;

/// <summary>
/// Imports result files users already have — lm-evaluation-harness results*.json, Open LLM Leaderboard v1/v2
/// exports, a tidy long CSV — with an optional metadata CSV. With -Dataset the files are uploaded (ImportFiles)
/// and the dataset is returned; without, they are parsed here and the models are returned.
/// </summary>
[Cmdlet(VerbsData.Import, "ObsResult", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ObsModel), typeof(ObsDataset))]
public sealed class ImportObsResult : ObsCmdlet
{
    private const int ChunkBytes = 1024 * 1024;

    private readonly List<string> _files = [];

    /// <summary>Result files or wildcards (e.g. ./out/*/results_*.json).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "PSPath")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    [Parameter(Mandatory = true)]
    public ResultFormat Format { get; set; }

    /// <summary>lm-evaluation-harness: one per benchmark, 'task=metric,filter' or 'task=metric,filter->Name'.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[] Metric { get; set; } = [];

    /// <summary>Open LLM Leaderboard v2: Raw (0–1, the paper's leaderboard_* names) or Normalized (0–100). Required for v2.</summary>
    [Parameter]
    public ScoreScale Scale { get; set; }

    /// <summary>A CSV of model, family, parameters, tokens and FLOPs (with units: params_b, tokens_t, 7B, params + params_unit, …).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? MetadataPath { get; set; }

    /// <summary>Family rules 'regex => Family', tried in order before the built-in rules.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[] FamilyRule { get; set; } = [];

    /// <summary>A file of family rules, one 'regex => Family' per line (# comments), tried after -FamilyRule.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? FamilyRulePath { get; set; }

    /// <summary>Use only the given family rules, not the built-in ones.</summary>
    [Parameter]
    public SwitchParameter NoDefaultFamilyRule { get; set; }

    /// <summary>What to do when two rows give one model different values for one metric: Error (default), First, Last, Best.</summary>
    [Parameter]
    public DuplicatePolicy Duplicate { get; set; } = DuplicatePolicy.Error;

    /// <summary>lm-evaluation-harness: a task absent from all of a model's files is a gap, not an error.</summary>
    [Parameter]
    public SwitchParameter AllowMissingTask { get; set; }

    /// <summary>Every Eval Ever: store bounded scores as (score − min)/(max − min) so sources on 0–100 and 0–1 agree.</summary>
    [Parameter]
    public SwitchParameter NormalizeScore { get; set; }

    /// <summary>Upload to this dataset and return it, instead of returning the models.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(DatasetCompleter))]
    public string? Dataset { get; set; }

    [Parameter]
    [ValidateSet("Create", "Append", "CreateOrAppend", "Replace")]
    public V1.ImportMode Mode { get; set; } = V1.ImportMode.CreateOrAppend;

    [Parameter]
    public string? DisplayName { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var p in Path)
        {
            var found = Resolve(p, wildcards: true);
            _files.AddRange(found.Where(f => !_files.Contains(f, StringComparer.Ordinal)));
        }
    }

    protected override void EndProcessing()
    {
        if (_files.Count == 0)
        {
            return;
        }

        var metadata = MetadataPath is null ? null : Resolve(MetadataPath, wildcards: false).FirstOrDefault();
        var rulesFile = FamilyRulePath is null ? null : Resolve(FamilyRulePath, wildcards: false).FirstOrDefault();
        if ((MetadataPath is not null && metadata is null) || (FamilyRulePath is not null && rulesFile is null))
        {
            return;
        }

        var names = SourceNames(_files);
        if (Dataset is null)
        {
            ParseHere(names, metadata, rulesFile);
            return;
        }

        var id = Names.DatasetId(Dataset);
        var action = Mode == V1.ImportMode.Replace ? $"Replace every model with the models of {_files.Count} files" : $"Import {_files.Count} {Format} files ({Mode})";
        if (ShouldProcess("datasets/" + id, action))
        {
            TryCall(() => WriteObject(Upload(id, names, metadata, rulesFile)), Dataset);
        }
    }

    private void ParseHere(Dictionary<string, string> names, string? metadata, string? rulesFile)
    {
        ModelSet set;
        try
        {
            var rules = FamilyRules.Parse(FamilyRule, "FamilyRule");
            if (rulesFile is not null)
            {
                rules = rules.Then(FamilyRules.Parse(File.ReadAllText(rulesFile), System.IO.Path.GetFileName(rulesFile)));
            }

            var options = new ImportOptions
            {
                Format = Format,
                Metrics = Metric.Select((m, i) => MetricSelection.Parse(m, $"Metric[{i}]")).ToList(),
                Scale = Scale,
                FamilyRules = NoDefaultFamilyRule ? rules : rules.Then(FamilyRules.Default),
                Duplicates = Duplicate,
                AllowMissingTasks = AllowMissingTask,
                NormalizeScores = NormalizeScore,
            };
            // Inspect AI .eval logs are zips: the engine gets their bytes.
            var sources = _files.Select(f => Format == ResultFormat.InspectAi
                ? new ImportSource(names[f], "") { Bytes = File.ReadAllBytes(f) }
                : new ImportSource(names[f], File.ReadAllText(f))).ToList();
            var warnings = new List<string>();
            set = ResultImporter.Import(sources, metadata is null ? null : new ImportSource(System.IO.Path.GetFileName(metadata), File.ReadAllText(metadata)), options, warnings);
            warnings.ForEach(WriteWarning);
        }
        catch (ObsValidationException ex)
        {
            WriteError(new ErrorRecord(ex, "ObsInvalidResultFile", ErrorCategory.InvalidData, _files.Count == 1 ? _files[0] : _files.ToArray()));
            return;
        }
        catch (IOException ex)
        {
            WriteError(new ErrorRecord(ex, "ObsResultFileUnreadable", ErrorCategory.ReadError, _files.ToArray()));
            return;
        }

        var metrics = set.OrderedMetrics().Select(ObsMetric.FromDomain).ToArray();
        foreach (var m in set.Models)
        {
            WriteObject(ObsModel.FromDomain(m, metrics));
        }
    }

    private ObsDataset Upload(string id, Dictionary<string, string> names, string? metadata, string? rulesFile)
    {
        var options = new V1.ResultImportOptions
        {
            Format = Format switch
            {
                ResultFormat.LmEvalHarness => V1.ResultFormat.LmEvalHarness,
                ResultFormat.OpenLlmLeaderboardV1 => V1.ResultFormat.OpenLlmLeaderboardV1,
                ResultFormat.OpenLlmLeaderboardV2 => V1.ResultFormat.OpenLlmLeaderboardV2,
                ResultFormat.EpochBenchmarkingHub => V1.ResultFormat.EpochBenchmarkingHub,
                ResultFormat.EveryEvalEver => V1.ResultFormat.EveryEvalEver,
                ResultFormat.InspectAi => V1.ResultFormat.InspectAi,
                _ => V1.ResultFormat.TidyCsv,
            },
            Scale = Scale switch
            {
                ScoreScale.Raw => V1.ScoreScale.Raw,
                ScoreScale.Normalized => V1.ScoreScale.Normalized,
                _ => V1.ScoreScale.Unspecified,
            },
            Duplicates = Duplicate switch
            {
                DuplicatePolicy.First => V1.DuplicatePolicy.First,
                DuplicatePolicy.Last => V1.DuplicatePolicy.Last,
                DuplicatePolicy.Best => V1.DuplicatePolicy.Best,
                _ => V1.DuplicatePolicy.Error,
            },
            NoDefaultFamilyRules = NoDefaultFamilyRule,
            AllowMissingTasks = AllowMissingTask,
            NormalizeScores = NormalizeScore,
        };
        options.Metrics.AddRange(Metric);
        options.FamilyRules.AddRange(FamilyRule);

        using var call = Client.ImportFiles(Call());
        Await(call.RequestStream.WriteAsync(new V1.ImportFilesRequest
        {
            Header = new V1.ImportFilesHeader { Dataset = id, Mode = Mode, DisplayName = DisplayName ?? "", Options = options },
        }));
        var uploads = _files.Select(f => (Path: f, Name: names[f], Role: V1.FileRole.Results)).ToList();
        if (metadata is not null)
        {
            uploads.Add((metadata, Distinct(System.IO.Path.GetFileName(metadata), names.Values), V1.FileRole.Metadata));
        }

        if (rulesFile is not null)
        {
            uploads.Add((rulesFile, Distinct(System.IO.Path.GetFileName(rulesFile), names.Values), V1.FileRole.FamilyRules));
        }

        var progress = 0;
        foreach (var (path, name, role) in uploads)
        {
            var bytes = File.ReadAllBytes(path);
            for (var at = 0; at == 0 || at < bytes.Length; at += ChunkBytes)
            {
                var chunk = new V1.FileChunk { FileName = name, Role = role, Content = ByteString.CopyFrom(bytes, at, Math.Min(ChunkBytes, bytes.Length - at)) };
                Await(call.RequestStream.WriteAsync(new V1.ImportFilesRequest { Chunk = chunk }));
            }

            Progress(1, "Uploading result files", new V1.Progress { Stage = "upload", Fraction = (double)++progress / uploads.Count, Message = name }, id);
        }

        Await(call.RequestStream.CompleteAsync());
        var response = Await(call.ResponseAsync);
        CompleteProgress(1, "Uploading result files");
        foreach (var warning in response.Warnings)
        {
            WriteWarning(warning);
        }

        var ds = ObsDataset.FromProto(response.Dataset);
        ds.ModelsAdded = response.ModelsAdded;
        ds.ModelsReplaced = response.ModelsReplaced;
        return ds;
    }

    /// <summary>
    /// How errors name each file: its file name, or — when two share one, as the harness's per-model output folders
    /// do (out/org__model/results_….json) — its path below the files' common folder.
    /// </summary>
    private static Dictionary<string, string> SourceNames(List<string> files)
    {
        var byName = files.ToDictionary(f => f, f => System.IO.Path.GetFileName(f), StringComparer.Ordinal);
        if (byName.Values.Distinct(StringComparer.Ordinal).Count() == files.Count)
        {
            return byName;
        }

        var common = System.IO.Path.GetDirectoryName(files[0]) ?? "";
        foreach (var f in files)
        {
            while (common.Length > 0 && !f.StartsWith(common + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                common = System.IO.Path.GetDirectoryName(common) ?? "";
            }
        }

        return files.ToDictionary(f => f, f => System.IO.Path.GetRelativePath(common.Length > 0 ? common : "/", f).Replace('\\', '/'), StringComparer.Ordinal);
    }

    private static string Distinct(string name, IEnumerable<string> taken) =>
        taken.Contains(name, StringComparer.Ordinal) ? "(" + name + ")" : name;

    private List<string> Resolve(string path, bool wildcards)
    {
        try
        {
            var resolved = wildcards
                ? SessionState.Path.GetResolvedProviderPathFromPSPath(path, out _)
                : [SessionState.Path.GetUnresolvedProviderPathFromPSPath(path)];
            var files = resolved.Where(File.Exists).ToList();
            if (files.Count > 0)
            {
                return files;
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
        return [];
    }
}
