using System.Management.Automation;
using ObsScaling.PowerShell.Completion;
using ObsScaling.PowerShell.Model;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.PowerShell.Cmdlets;

/// <summary>Deletes datasets; a dataset with fits only with -Force (the fits go too). Supports -WhatIf and -Confirm.</summary>
[Cmdlet(VerbsCommon.Remove, "ObsDataset", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(ObsDataset))]
public sealed class RemoveObsDataset : ObsCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(DatasetCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Dataset { get; set; } = [];

    /// <summary>Delete even when the dataset has fits (they are deleted too).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Delete only if the dataset's etag still matches (it has not changed since it was read).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Etag { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var d in Dataset)
        {
            var name = Names.Dataset(d);
            if (ShouldProcess(name, Force ? "Remove dataset and its fits" : "Remove dataset"))
            {
                TryCall(() => Await(Client.DeleteDatasetAsync(new V1.DeleteDatasetRequest { Name = name, Force = Force, Etag = Etag ?? "" }, Call()).ResponseAsync), d);
            }
        }
    }
}
