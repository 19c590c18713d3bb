using System.Management.Automation;
using ObsScaling.PowerShell.Model;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.PowerShell.Cmdlets;

/// <summary>
/// Lists a preregistration ledger's entries in recording order (all, scored or unscored), gets entries by ID,
/// or with -Summary gives the ledger's coverage and errors.
/// </summary>
[Cmdlet(VerbsCommon.Get, "ObsPreregistration", DefaultParameterSetName = ListSet)]
[OutputType(typeof(ObsPreregistration), ParameterSetName = [ListSet, EntrySet])]
[OutputType(typeof(ObsLedgerSummary), ParameterSetName = [SummarySet])]
public sealed class GetObsPreregistration : ObsCmdlet
{
    public const string ListSet = "List";
    public const string EntrySet = "Entry";
    public const string SummarySet = "Summary";

    /// <summary>The ledger (ID or ledgers/{ledger}).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Ledger { get; set; } = "";

    /// <summary>Entry IDs or names.</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = EntrySet)]
    public string[] Entry { get; set; } = [];

    /// <summary>Which entries: all (default), scored or unscored.</summary>
    [Parameter(ParameterSetName = ListSet)]
    [Parameter(ParameterSetName = SummarySet)]
    [ValidateSet("Scored", "Unscored")]
    public V1.PreregistrationState State { get; set; } = V1.PreregistrationState.Unspecified;

    /// <summary>Return the ledger's summary (coverage, mean absolute and RMS error) instead of its entries.</summary>
    [Parameter(Mandatory = true, ParameterSetName = SummarySet)]
    public SwitchParameter Summary { get; set; }

    protected override void ProcessRecord()
    {
        var ledger = Ledger.StartsWith("ledgers/", StringComparison.Ordinal) ? Ledger : "ledgers/" + Ledger;
        if (ParameterSetName == EntrySet)
        {
            foreach (var e in Entry)
            {
                var name = e.StartsWith("ledgers/", StringComparison.Ordinal) ? e : $"{ledger}/entries/{e}";
                TryCall(() => WriteObject(ObsPreregistration.FromProto(Await(Client.GetPreregistrationAsync(new V1.GetPreregistrationRequest { Name = name }, Call()).ResponseAsync), "Listed")), name);
            }

            return;
        }

        TryCall(
            () =>
            {
                var token = "";
                do
                {
                    var page = Await(Client.ListPreregistrationsAsync(new V1.ListPreregistrationsRequest { Parent = ledger, State = State, PageSize = 1000, PageToken = token }, Call()).ResponseAsync);
                    if (Summary)
                    {
                        WriteObject(ObsLedgerSummary.FromProto(ledger["ledgers/".Length..], page.Summary));
                        return;
                    }

                    WriteObject(page.Entries.Select(e => ObsPreregistration.FromProto(e, "Listed")), enumerateCollection: true);
                    token = page.NextPageToken;
                }
                while (!string.IsNullOrEmpty(token));
            },
            ledger);
    }
}
