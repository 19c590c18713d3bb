using ObsScaling.Compare;

// bench/compare/run.sh builds Release and runs this; see docs/performance.md.
//   ObsScaling.Compare [--quick] [--only pipeline,bootstrap,subset,scale,irt,process] [--markdown <file>]
// Exit code: 0 all numbers agree and every target is met, 1 a target is missed, 2 numbers disagree, 3 unavailable.
if (args.Length > 0 && args[0] == ScaleChild.Command)
{
    return ScaleChild.Run(args);
}

if (args.Length > 0 && args[0] == SubsetComparison.ChildCommand)
{
    return SubsetComparison.RunChild(args.Contains("--quick"));
}

var quick = args.Contains("--quick");
var only = Argument("--only")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
var markdown = Argument("--markdown");
bool Wanted(string task) => only is null || only.Contains(task);

using var workspace = Workspace.Create(quick);
if (workspace.Python.Unavailable() is { } why)
{
    Console.Error.WriteLine($"The Python reference cannot run: {why}. Install python3-numpy python3-scipy python3-sklearn python3-pandas.");
    return 3;
}

if (workspace.Data is null)
{
    Console.Error.WriteLine(ObsScaling.Testing.PaperDataDirectory.SkipReason);
    return 3;
}

var log = Console.Out;
log.WriteLine($"ObsScaling vs the Python reference ({workspace.Python.Interpreter}), {(quick ? "quick" : "full")} run, {Environment.ProcessorCount} cores\n");
var rows = new List<ComparisonRow>();
var pipeline = PaperPipeline.Load(workspace);
if (Wanted("pipeline"))
{
    rows.AddRange(PipelineComparison.Run(workspace, pipeline, log));
}

if (Wanted("bootstrap"))
{
    rows.Add(BootstrapComparison.Run(workspace, pipeline, log));
}

if (Wanted("subset"))
{
    rows.AddRange(SubsetComparison.Run(workspace, log));
}

if (Wanted("scale"))
{
    rows.AddRange(ScaleComparison.Run(workspace, log));
}

if (Wanted("irt"))
{
    rows.AddRange(IrtComparison.Run(workspace, log));
}

if (Wanted("process") && ProcessComparison.Run(workspace, log) is { } process)
{
    rows.Add(process);
}

var table = Report.Table(rows);
log.WriteLine();
log.Write(table);
if (markdown is not null)
{
    File.WriteAllText(markdown, table);
}

return rows.Any(r => !r.Agrees) ? 2 : rows.Any(r => r.Pass == false) ? 1 : 0;

string? Argument(string name)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}
