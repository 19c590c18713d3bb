using System.Management.Automation;
using ObsScaling.PowerShell.Completion;
using ObsScaling.PowerShell.Model;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.PowerShell.Cmdlets;

/// <summary>
/// Emits a dataset's laws each time the service refits them after a change to the dataset, until stopped
/// (Ctrl+C) or until -Count laws were emitted.
/// </summary>
[Cmdlet(VerbsCommon.Watch, "ObsFit")]
[OutputType(typeof(ObsLaw))]
public sealed class WatchObsFit : ObsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(DatasetCompleter))]
    [ValidateNotNullOrEmpty]
    public string Dataset { get; set; } = "";

    /// <summary>Emit the current laws first.</summary>
    [Parameter]
    public SwitchParameter Initial { get; set; }

    /// <summary>Stop after this many laws (default: until stopped).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Count { get; set; }

    protected override void ProcessRecord()
    {
        var emitted = 0;
        TryCall(
            () =>
            {
                using var call = Client.WatchFits(new V1.WatchFitsRequest { Dataset = Names.Dataset(Dataset), SendInitial = Initial }, Call());
                while (Next(call.ResponseStream))
                {
                    var r = call.ResponseStream.Current;
                    var law = ObsLaw.FromProto(r.Fit);
                    law.Reason = r.Reason;
                    law.Error = string.IsNullOrEmpty(r.Error) ? null : r.Error;
                    WriteObject(law);
                    if (Count > 0 && ++emitted >= Count)
                    {
                        return;
                    }
                }
            },
            Dataset);
    }
}
