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
    private readonly Dictionary<string, V1.Fit?> _fits = new(StringComparer.Ordinal);
    private readonly List<(string Fit, List<V1.PreregistrationInput> Inputs)> _batches = [];

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

        if (_batches.Count > 0 && _batches[^1].Fit == fitName)
        {
            _batches[^1].Inputs.AddRange(inputs);
        }
        else
        {
            _batches.Add((fitName, inputs));
        }
    }

    protected override void EndProcessing()
    {
        var ledger = Ledger.StartsWith("ledgers/", StringComparison.Ordinal) ? Ledger : "ledgers/" + Ledger;
        foreach (var (fit, inputs) in _batches)
        {

            // -Model names are forecast with every law piped in (one entry per model and law).
            var named = Model ?? [];
            if (inputs.Count + named.Length == 0 || !ShouldProcess(ledger, $"Record {inputs.Count + named.Length} forecast(s) made with {fit}"))
            {
                continue;
            }

            var request = new V1.CreatePreregistrationsRequest { Parent = ledger, Fit = fit, Note = Note ?? "" };
            request.Inputs.AddRange(inputs);
            request.Models.AddRange(named);
            if (named.Length > 0 && SourceDataset is not null)
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

    private V1.PreregistrationInput? ToInput(V1.Fit fit, ObsModel m)
    {
        var input = new V1.PreregistrationInput { Model = m.Name, Family = m.Family ?? "" };
        switch (fit.Spec.Predictors?.Kind ?? V1.PredictorKind.Unspecified)
        {
            case V1.PredictorKind.LogFlops when m.FlopsE21 is { } c:
                input.FlopsE21 = c;
                break;
            case V1.PredictorKind.LogFlops:
                WriteError(ObsErrors.InvalidArgument($"{m.Name}.FlopsE21", "(none)", "the law predicts from training compute, and this model has no FLOPs", "ObsModelWithoutFlops"));
                return null;
            case V1.PredictorKind.LogParameters when m.ParametersB is { } n:
                input.ParametersB = n;
                break;
            case V1.PredictorKind.LogParameters:
                WriteError(ObsErrors.InvalidArgument($"{m.Name}.ParametersB", "(none)", "the law predicts from model size, and this model has no size", "ObsModelWithoutSize"));
                return null;
            default:
                // Only the metrics the law reads: a model's other scores (its target among them, if known) are not inputs.
                var read = fit.Spec.Predictors?.Kind == V1.PredictorKind.Metrics ? fit.Spec.Predictors.Metrics : fit.Space?.Metrics;
                var used = read?.ToHashSet(StringComparer.Ordinal);
                foreach (var (k, v) in m.Scores)
                {
                    if (used is null || used.Contains(k))
                    {
                        input.Scores[k] = v;
                    }
                }

                break;
        }

        return input;
    }

    private V1.Fit? GetFit(string name)
    {
        if (!_fits.TryGetValue(name, out var fit))
        {
            TryCall(() => fit = Await(Client.GetFitAsync(new V1.GetFitRequest { Name = name }, Call()).ResponseAsync), name);
            _fits[name] = fit;
        }

        return fit;
    }
}
