using System.Management.Automation;
using ObsScaling.PowerShell.Completion;
using ObsScaling.PowerShell.Model;
using ObsScaling.PowerShell.Session;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.PowerShell.Cmdlets;

/// <summary>Lists the server's datasets, or gets them by ID (wildcards allowed).</summary>
[Cmdlet(VerbsCommon.Get, "ObsDataset")]
[OutputType(typeof(ObsDataset))]
public sealed class GetObsDataset : ObsCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(DatasetCompleter))]
    [SupportsWildcards]
    public string[]? Dataset { get; set; }

    protected override void ProcessRecord()
    {
        if (Dataset is null || Dataset.Length == 0)
        {
            TryCall(() => WriteObject(Await(ServiceQueries.ListDatasetsAsync(Client, Call())).Select(ObsDataset.FromProto), enumerateCollection: true), null);
            return;
        }

        List<V1.Dataset>? all = null;
        foreach (var d in Dataset)
        {
            var id = Names.DatasetId(d);
            if (WildcardPattern.ContainsWildcardCharacters(id))
            {
                if (all is null && !TryCall(() => all = Await(ServiceQueries.ListDatasetsAsync(Client, Call())), d))
                {
                    return;
                }

                var pattern = new WildcardPattern(id, WildcardOptions.IgnoreCase);
                WriteObject(all!.Where(x => pattern.IsMatch(Names.DatasetId(x.Name))).Select(ObsDataset.FromProto), enumerateCollection: true);
            }
            else
            {
                TryCall(() => WriteObject(ObsDataset.FromProto(Await(Client.GetDatasetAsync(new V1.GetDatasetRequest { Name = Names.Dataset(id) }, Call()).ResponseAsync))), d);
            }
        }
    }
}
