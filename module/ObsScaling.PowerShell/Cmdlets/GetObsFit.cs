using System.Management.Automation;
using ObsScaling.PowerShell.Completion;
using ObsScaling.PowerShell.Model;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.PowerShell.Cmdlets;

/// <summary>Gets the laws fitted on a dataset, or one by name.</summary>
[Cmdlet(VerbsCommon.Get, "ObsFit")]
[OutputType(typeof(ObsLaw))]
public sealed class GetObsFit : ObsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(DatasetCompleter))]
    [ValidateNotNullOrEmpty]
    public string Dataset { get; set; } = "";

    /// <summary>Fit ID or resource name.</summary>
    [Parameter(Position = 1)]
    [Alias("Fit", "FitId")]
    public string[]? Name { get; set; }

    protected override void ProcessRecord()
    {
        if (Name is { Length: > 0 })
        {
            foreach (var n in Name)
            {
                TryCall(() => WriteObject(ObsLaw.FromProto(Await(Client.GetFitAsync(new V1.GetFitRequest { Name = Names.Fit(n, Dataset) }, Call()).ResponseAsync))), n);
            }

            return;
        }

        TryCall(
            () =>
            {
                var token = "";
                do
                {
                    var page = Await(Client.ListFitsAsync(new V1.ListFitsRequest { Parent = Names.Dataset(Dataset), PageSize = 1000, PageToken = token }, Call()).ResponseAsync);
                    WriteObject(page.Fits.Select(ObsLaw.FromProto), enumerateCollection: true);
                    token = page.NextPageToken;
                }
                while (!string.IsNullOrEmpty(token));
            },
            Dataset);
    }
}
