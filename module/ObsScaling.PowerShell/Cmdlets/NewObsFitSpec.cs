using System.Management.Automation;
using ObsScaling.PowerShell.Model;

namespace ObsScaling.PowerShell.Cmdlets;

/// <summary>
/// Builds a fit specification without calling the service: the same parameters as Invoke-ObsFit, checked the same
/// way, so one spec can be fitted, backtested and used to compare techniques.
/// </summary>
[Cmdlet(VerbsCommon.New, "ObsFitSpec")]
[OutputType(typeof(ObsFitSpec))]
public sealed class NewObsFitSpec : FitSpecCmdlet
{
    protected override void ProcessRecord()
    {
        if (BuildSpec(requireTarget: false) is { } spec)
        {
            WriteObject(spec);
        }
    }
}
