using System.Management.Automation;
using ObsScaling.PowerShell.Completion;
using ObsScaling.PowerShell.Model;
using ObsScaling.PowerShell.Session;

namespace ObsScaling.PowerShell.Cmdlets;

/// <summary>Gets the models stored in a dataset (optionally by name, wildcards allowed).</summary>
[Cmdlet(VerbsCommon.Get, "ObsModel")]
[OutputType(typeof(ObsModel))]
public sealed class GetObsModel : ObsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(DatasetCompleter))]
    [ValidateNotNullOrEmpty]
    public string Dataset { get; set; } = "";

    [Parameter(Position = 1)]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    protected override void ProcessRecord()
    {
        TryCall(
            () =>
            {
                var models = Await(ServiceQueries.ListModelsAsync(Client, Dataset, Call()));
                if (Name is null || Name.Length == 0)
                {
                    WriteObject(models, enumerateCollection: true);
                    return;
                }

                foreach (var n in Name)
                {
                    var pattern = new WildcardPattern(n, WildcardOptions.IgnoreCase);
                    var hits = models.Where(m => pattern.IsMatch(m.Name)).ToList();
                    if (hits.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(n))
                    {
                        WriteError(ObsErrors.NotFound($"Model '{n}' is not in dataset '{Names.DatasetId(Dataset)}'.", n));
                    }

                    WriteObject(hits, enumerateCollection: true);
                }
            },
            Dataset);
    }
}
