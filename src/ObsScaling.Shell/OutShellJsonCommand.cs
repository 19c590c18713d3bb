using System.Management.Automation;

namespace ObsScaling.Shell;

/// <summary>
/// <c>-OutputFormat Json</c>: the pipeline's objects go through <c>ConvertTo-Json -AsArray -Depth</c>
/// <see cref="Depth"/> itself, so obs writes exactly what a pwsh user gets from <c>| ConvertTo-Json -AsArray</c>,
/// with one difference: no output is <c>[]</c> rather than nothing, so a script always parses one array.
/// Error records (merged into the pipeline) pass through to Out-Default, which prints them on stderr.
/// </summary>
[Cmdlet(VerbsData.Out, "ObsShellJson")]
#pragma warning disable CA1515 // The engine binds cmdlets only from public types.
public sealed class OutShellJsonCommand : PSCmdlet
#pragma warning restore CA1515
{
    /// <summary>Registered with the runspace under this name; not meant to be typed.</summary>
    internal const string Name = "Out-ObsShellJson";

    /// <summary>ConvertTo-Json's default of 2 flattens a fit's nested objects into strings; 5 keeps them.</summary>
    internal const int Depth = 5;

    private SteppablePipeline? _json;
    private bool _any;

    [Parameter(ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    protected override void BeginProcessing()
    {
        _json = ScriptBlock.Create($"ConvertTo-Json -AsArray -Depth {Depth}").GetSteppablePipeline(CommandOrigin.Internal);
        _json.Begin(this);
    }

    protected override void ProcessRecord()
    {
        if (InputObject?.BaseObject is ErrorRecord)
        {
            WriteObject(InputObject);
            return;
        }

        _any = true;
        _json!.Process(InputObject);
    }

    protected override void EndProcessing()
    {
        _json!.End();
        if (!_any)
        {
            WriteObject("[]");
        }
    }

    protected override void StopProcessing() => _json?.Dispose();
}
