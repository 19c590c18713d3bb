using System.Collections;
using System.Globalization;
using System.Management.Automation;
using ObsScaling.PowerShell.Completion;
using ObsScaling.PowerShell.Model;
using ObsScaling.PowerShell.Session;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.PowerShell.Cmdlets;

/// <summary>
/// Scores a ledger's entries against the values observed since: from a dataset that now holds the models'
/// target scores (-Dataset), or values given as a hashtable of model → value (-Observed). The first score of an
/// entry is final: an entry scored before is returned unchanged with Status AlreadyScored. Entries without an
/// observed value are reported as warnings and stay unscored.
/// </summary>
[Cmdlet(VerbsLifecycle.Complete, "ObsPreregistration", DefaultParameterSetName = DatasetSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(ObsPreregistration))]
public sealed class CompleteObsPreregistration : ObsCmdlet
{
    public const string DatasetSet = "Dataset";
    public const string ObservedSet = "Observed";

    private readonly Dictionary<string, List<string>> _entries = new(StringComparer.Ordinal);

    /// <summary>The ledger (ID or ledgers/{ledger}); bound from entries piped in.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Ledger { get; set; } = "";

    /// <summary>Dataset holding the observed target scores.</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = DatasetSet)]
    [ArgumentCompleter(typeof(DatasetCompleter))]
    public string Dataset { get; set; } = "";

    /// <summary>Observed values on the metric's own scale: @{ 'model' = 0.41; … }.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ObservedSet)]
    public Hashtable Observed { get; set; } = [];

    /// <summary>The metric of the -Observed values (default: whatever each entry's target is).</summary>
    [Parameter(ParameterSetName = ObservedSet)]
    public string? Metric { get; set; }

    /// <summary>Entries to score (IDs or names; the Name of entries piped in); default every entry.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    public string[]? Entry { get; set; }

    protected override void ProcessRecord()
    {
        var ledger = Ledger.StartsWith("ledgers/", StringComparison.Ordinal) ? Ledger : "ledgers/" + Ledger;
        if (!_entries.TryGetValue(ledger, out var list))
        {
            _entries[ledger] = list = [];
        }

        list.AddRange(Entry ?? []);
    }

    protected override void EndProcessing()
    {
        foreach (var (ledger, entries) in _entries)
        {
            var request = new V1.ScorePreregistrationsRequest { Parent = ledger };
            request.Entries.AddRange(entries);
            if (ParameterSetName == DatasetSet)
            {
                request.Dataset = Names.Dataset(Dataset);
            }
            else
            {
                foreach (DictionaryEntry kv in Observed)
                {
                    var model = kv.Key?.ToString() ?? "";
                    if (!TryDouble(kv.Value, out var value))
                    {
                        WriteError(ObsErrors.InvalidArgument($"Observed[{model}]", kv.Value, "an observed value must be a number", "ObsObservedNotANumber"));
                        return;
                    }

                    request.Observed.Add(new V1.ObservedValue { Model = model, Metric = Metric ?? "", Value = value });
                }
            }

            var what = entries.Count == 0 ? "every entry" : $"{entries.Count} entr{(entries.Count == 1 ? "y" : "ies")}";
            if (!ShouldProcess(ledger, $"Score {what} against {(ParameterSetName == DatasetSet ? request.Dataset : "the given values")} (a score is final)"))
            {
                continue;
            }

            TryCall(
                () =>
                {
                    var response = Await(Client.ScorePreregistrationsAsync(request, Call()).ResponseAsync);
                    foreach (var name in response.Unobserved)
                    {
                        WriteWarning($"{name}: no observed value in the source; it stays unscored.");
                    }

                    WriteObject(response.Scored.Select(e => ObsPreregistration.FromProto(e, "Scored")), enumerateCollection: true);
                    WriteObject(response.AlreadyScored.Select(e => ObsPreregistration.FromProto(e, "AlreadyScored")), enumerateCollection: true);
                    var s = response.Summary;
                    WriteVerbose($"{ledger}: {s.Scored}/{s.Entries} scored, coverage {(s.HasCoverage ? s.Coverage.ToString("P1", CultureInfo.InvariantCulture) : "n/a")}, MAE {(s.HasMeanAbsoluteError ? s.MeanAbsoluteError.ToString("G4", CultureInfo.InvariantCulture) : "n/a")}");
                },
                ledger);
        }
    }

    private static bool TryDouble(object? value, out double result)
    {
        var v = value is PSObject pso ? pso.BaseObject : value;
        switch (v)
        {
            case double d:
                result = d;
                return true;
            case IConvertible c when v is not string and not bool:
                result = c.ToDouble(CultureInfo.InvariantCulture);
                return true;
            case string s:
                return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out result);
            default:
                result = double.NaN;
                return false;
        }
    }
}
