using System.Management.Automation;
using Grpc.Core;
using ObsScaling.PowerShell.Completion;
using ObsScaling.PowerShell.Model;
using ObsScaling.PowerShell.Session;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.PowerShell.Cmdlets;

/// <summary>
/// Forecasts with a stored law: for models piped in (by value), models named with -Model (looked up in the law's
/// dataset), or — for a law piped in alone — the law's held-out models. PC laws take the models' benchmark scores,
/// compute laws their FLOPs or size. One forecast object per model, in order.
/// </summary>
[Cmdlet(VerbsCommon.Get, "ObsForecast")]
[OutputType(typeof(ObsForecast))]
public sealed class GetObsForecast : ObsCmdlet
{
    private readonly Dictionary<string, Dictionary<string, ObsModel>?> _datasetModels = new(StringComparer.Ordinal);
    private readonly FitBatches<V1.ForecastInput> _batches = new();

    /// <summary>The law: datasets/{dataset}/fits/{fit} (the Fit property of a law piped in), or a fit ID with -Dataset.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(FitCompleter))]
    [ValidateNotNullOrEmpty]
    public string Fit { get; set; } = "";

    /// <summary>Dataset of a fit given by ID.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(DatasetCompleter))]
    public string? Dataset { get; set; }

    /// <summary>Models to forecast (from Import-ObsModel, Get-ObsModel, New-ObsSyntheticZoo).</summary>
    [Parameter(ValueFromPipeline = true)]
    public ObsModel[]? InputObject { get; set; }

    /// <summary>Names of models of the law's dataset to forecast.</summary>
    [Parameter(Position = 1)]
    public string[]? Model { get; set; }

    /// <summary>Store every forecast as a resource under the fit.</summary>
    [Parameter]
    public SwitchParameter Record { get; set; }

    protected override void ProcessRecord()
    {
        var fitName = Names.Fit(Fit, Dataset);
        var fit = GetFit(fitName);
        if (fit is null)
        {
            return;
        }

        var inputs = new List<V1.ForecastInput>();
        if (InputObject is { Length: > 0 })
        {
            foreach (var m in InputObject.Where(m => m is not null))
            {
                AddInput(inputs, fit, m);
            }
        }
        else
        {
            var names = Model is { Length: > 0 } ? Model : fit.Predictions.Where(p => !p.InTrain).Select(p => p.Model).ToArray();
            var models = DatasetModels(fitName);
            if (models is null)
            {
                return;
            }

            foreach (var name in names)
            {
                if (models.TryGetValue(name, out var m))
                {
                    AddInput(inputs, fit, m);
                }
                else
                {
                    WriteError(ObsErrors.NotFound($"Model '{name}' is not in dataset '{Names.DatasetId(fitName)}'.", name));
                }
            }
        }

        if (inputs.Count == 0)
        {
            return;
        }

        _batches.Add(fitName, inputs);
    }

    protected override void EndProcessing()
    {
        foreach (var (fit, inputs) in _batches.All)
        {
            TryCall(() => Forecast(fit, inputs), fit);
        }
    }

    private void Forecast(string fit, List<V1.ForecastInput> inputs)
    {
        using var call = Client.Forecast(Call());
        Await(call.RequestStream.WriteAsync(new V1.ForecastRequest { Setup = new V1.ForecastSetup { Fit = fit, Record = Record } }));
        foreach (var input in inputs)
        {
            Await(call.RequestStream.WriteAsync(new V1.ForecastRequest { Input = input }));
        }

        Await(call.RequestStream.CompleteAsync());
        // Answers come in input order; the service does not echo the family, so it is taken from the input.
        var index = 0;
        while (Next(call.ResponseStream))
        {
            var result = call.ResponseStream.Current.Result;
            var family = index < inputs.Count && inputs[index].Model == result.Model ? inputs[index].Family : inputs.FirstOrDefault(i => i.Model == result.Model)?.Family;
            index++;
            var forecast = ObsForecast.FromProto(fit, result);
            forecast.Family = string.IsNullOrEmpty(family) ? null : family;
            WriteObject(forecast);
        }
    }

    private void AddInput(List<V1.ForecastInput> inputs, V1.Fit fit, ObsModel m)
    {
        if (LawInput.From(fit, m, out var error) is { } input)
        {
            inputs.Add(input);
        }
        else
        {
            WriteError(error!);
        }
    }

    private Dictionary<string, ObsModel>? DatasetModels(string fitName)
    {
        var id = Names.DatasetId(fitName);
        if (!_datasetModels.TryGetValue(id, out var models))
        {
            TryCall(() => models = Await(ServiceQueries.ListModelsAsync(Client, id, Call())).ToDictionary(m => m.Name, StringComparer.Ordinal), id);
            _datasetModels[id] = models;
        }

        return models;
    }
}
