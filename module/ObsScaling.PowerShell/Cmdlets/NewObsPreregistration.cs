using System.Management.Automation;
using ObsScaling.PowerShell.Completion;
using ObsScaling.PowerShell.Model;
using ObsScaling.PowerShell.Session;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.PowerShell.Cmdlets;

/// <summary>
/// Records forecasts in a preregistration ledger for models that are not evaluated yet: models piped in (from
/// Get-ObsModel or Import-ObsModel, forecast from their scores or compute), or models named with -Model in
/// -SourceDataset. Each entry keeps the law, the hash of the data it was fitted on, the prediction and its
/// interval; entries are immutable. One entry object per model, in order.
/// </summary>
[Cmdlet(VerbsCommon.New, "ObsPreregistration", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(ObsPreregistration))]
public sealed class NewObsPreregistration : ObsCmdlet
{
    private readonly FitBatches<V1.PreregistrationInput> _batches = new();

    /// <summary>The ledger (ID or ledgers/{ledger}); created with its first entry.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Ledger { get; set; } = "";

    /// <summary>The law: datasets/{dataset}/fits/{fit} (the Fit property of a law piped in), or a fit ID with -Dataset.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(FitCompleter))]
    [ValidateNotNullOrEmpty]
    public string Fit { get; set; } = "";

    /// <summary>Dataset of a fit given by ID.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(DatasetCompleter))]
    public string? Dataset { get; set; }

    /// <summary>Models to forecast (from Get-ObsModel, Import-ObsModel).</summary>
    [Parameter(ValueFromPipeline = true)]
    public ObsModel[]? InputObject { get; set; }

    /// <summary>Names of models of -SourceDataset to forecast from their stored scores.</summary>
    [Parameter]
    public string[]? Model { get; set; }

    /// <summary>The dataset holding the -Model models.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(DatasetCompleter))]
    public string? SourceDataset { get; set; }

    /// <summary>Interval level in (0, 1); default: the fit's.</summary>
    [Parameter]
    public double? Level { get; set; }

    [Parameter]
    public string? Note { get; set; }

    protected override void ProcessRecord()
    {
        var fitName = Names.Fit(Fit, Dataset);
        var inputs = new List<V1.PreregistrationInput>();
        if (InputObject is { Length: > 0 })
        {
            var fit = GetFit(fitName);
            if (fit is null)
            {
                return;
            }

            foreach (var m in InputObject.Where(m => m is not null))
            {
                if (ToInput(fit, m) is { } input)
                {
                    inputs.Add(input);
                }
            }

            if (inputs.Count == 0)
            {
                return;
            }
        }

        _batches.Add(fitName, inputs);
    }

    protected override void EndProcessing()
    {
        var ledger = Ledger.StartsWith("ledgers/", StringComparison.Ordinal) ? Ledger : "ledgers/" + Ledger;
        foreach (var (fit, inputs) in _batches.All)
        {

            // -Model names are forecast with every law piped in (one entry per model and law).
            var named = Model ?? [];
            if (inputs.Count + named.Length == 0 || !ShouldProcess(ledger, $"Record {inputs.Count + named.Length} forecast(s) made with {fit}"))
            {
                continue;
            }

            // The server leaves the entries out of an answer over 2 MiB (batch.entries_omitted); chunks of
            // ChunkSize entries (~0.75 KB each) stay well under it, so every entry recorded is written out. Each
            // chunk has its own request ID, so a retried call cannot record a chunk twice.
            foreach (var (chunkInputs, chunkModels) in Chunks(inputs, named))
            {
                var request = new V1.CreatePreregistrationsRequest { Parent = ledger, Fit = fit, Note = Note ?? "", RequestId = Guid.NewGuid().ToString("N") };
                request.Inputs.AddRange(chunkInputs);
                request.Models.AddRange(chunkModels);
                if (chunkModels.Count > 0 && SourceDataset is not null)
                {
                    request.SourceDataset = Names.Dataset(SourceDataset);
                }

                if (Level is { } level)
                {
                    request.Level = level;
                }

                TryCall(
                    () =>
                    {
                        var response = Await(Client.CreatePreregistrationsAsync(request, Call()).ResponseAsync);
                        if (response.Batch is { EntriesOmitted: true } batch)
                        {
                            WriteWarning($"{batch.Count} entries recorded ({batch.First} … {batch.Last}); the answer was too large to carry them: read them with Get-ObsPreregistration.");
                        }

                        foreach (var e in response.Entries)
                        {
                            if (e.AlreadyObserved)
                            {
                                WriteWarning($"{e.Input.Model} already has a {e.Target} value in the fit's dataset: its entry is flagged AlreadyObserved.");
                            }

                            WriteObject(ObsPreregistration.FromProto(e, "Recorded"));
                        }
                    },
                    fit);
            }
        }
    }

    private const int ChunkSize = 1000;

    private static IEnumerable<(List<V1.PreregistrationInput> Inputs, List<string> Models)> Chunks(List<V1.PreregistrationInput> inputs, string[] models)
    {
        // A creation that fits in one call stays one call: all or nothing, and error paths name its own indices.
        if (inputs.Count + models.Length <= ChunkSize)
        {
            yield return (inputs, [.. models]);
            yield break;
        }

        for (var i = 0; i < inputs.Count; i += ChunkSize)
        {
            yield return (inputs.GetRange(i, Math.Min(ChunkSize, inputs.Count - i)), []);
        }

        for (var i = 0; i < models.Length; i += ChunkSize)
        {
            yield return ([], models.Skip(i).Take(ChunkSize).ToList());
        }
    }

    private V1.PreregistrationInput? ToInput(V1.Fit fit, ObsModel m)
    {
        if (LawInput.From(fit, m, out var error) is not { } input)
        {
            WriteError(error!);
            return null;
        }

        var entry = new V1.PreregistrationInput { Model = input.Model, Family = input.Family };
        switch (input.ByCase)
        {
            case V1.ForecastInput.ByOneofCase.FlopsE21:
                entry.FlopsE21 = input.FlopsE21;
                break;
            case V1.ForecastInput.ByOneofCase.ParametersB:
                entry.ParametersB = input.ParametersB;
                break;
            default:
                entry.Scores.Add(input.Scores.Values);
                break;
        }

        return entry;
    }

}
