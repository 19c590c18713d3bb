using System.Management.Automation;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ObsScaling.Shell;

/// <summary>
/// Renders output objects as tables, the job Format-Table does in a full pwsh. Consecutive objects of one
/// shape share a table; a scalar or an object of another shape closes it. Tables are drawn only when a group
/// ends, so a long run of objects is shown once complete rather than re-drawn.
/// </summary>
internal sealed class ObjectRenderer : IOutputRenderer
{
    internal const int MaxColumns = 8;

    // pwsh's format files are not available to a hosted engine without Format-Table; these mirror their
    // default table views for the engine types a user of the Core cmdlets meets most.
    private static readonly Dictionary<string, string[]> KnownViews = new(StringComparer.OrdinalIgnoreCase)
    {
        ["System.Management.Automation.CommandInfo"] = ["CommandType", "Name", "Version", "Source"],
        ["System.Management.Automation.PSModuleInfo"] = ["ModuleType", "Version", "Name", "ExportedCommands"],
        ["System.Management.Automation.PSVariable"] = ["Name", "Value"],
        ["System.IO.FileSystemInfo"] = ["Mode", "LastWriteTime", "Length", "Name"],
    };

    private readonly IAnsiConsole _console;
    private readonly List<PSObject> _group = [];
    private string? _groupKey;
    private IReadOnlyList<string> _columns = [];

    public ObjectRenderer(IAnsiConsole console) => _console = console;

    public void Write(PSObject? item)
    {
        if (item is null || ValueFormatter.IsScalar(item) || Columns(item).Count == 0)
        {
            Flush();
            _console.WriteLine(ValueFormatter.Format(item));
            return;
        }

        var key = ShapeKey(item);
        if (key != _groupKey)
        {
            Flush();
            _groupKey = key;
            _columns = Columns(item);
        }

        _group.Add(item);
    }

    public void Complete() => Flush();

    /// <summary>Columns for an object: its type's DefaultDisplayPropertySet if it declares one, else its first properties.</summary>
    internal static IReadOnlyList<string> Columns(PSObject item)
    {
        if (item.Members["PSStandardMembers"]?.Value is PSMemberSet standard
            && standard.Members["DefaultDisplayPropertySet"] is PSPropertySet display
            && display.ReferencedPropertyNames.Count > 0)
        {
            return [.. display.ReferencedPropertyNames];
        }

        foreach (var typeName in item.TypeNames)
        {
            if (KnownViews.TryGetValue(typeName, out var view))
            {
                return view;
            }
        }

        return [.. item.Properties.Where(Readable).Select(p => p.Name).Take(MaxColumns)];
    }

    private static bool Readable(PSPropertyInfo property)
    {
        try
        {
            _ = property.Value;
            return true;
        }
        catch (ExtendedTypeSystemException)
        {
            return false;
        }
    }

    // PSCustomObjects all share one type name, so their property names are part of the shape.
    private static string ShapeKey(PSObject item) =>
        item.BaseObject is PSCustomObject
            ? "pscustomobject:" + string.Join(",", item.Properties.Select(p => p.Name))
            : item.TypeNames.Count > 0 ? item.TypeNames[0] : item.BaseObject.GetType().FullName ?? "?";

    private void Flush()
    {
        if (_group.Count == 0)
        {
            return;
        }

        var cells = _group.Select(o => _columns.Select(c => Cell(o, c)).ToList()).ToList();
        var table = new Table().Border(TableBorder.Simple);
        for (var c = 0; c < _columns.Count; c++)
        {
            var column = new TableColumn(new Text(_columns[c], new Style(decoration: Decoration.Bold)));
            // Right-aligned numbers line up by magnitude; the header follows its column.
            if (cells.All(row => row[c] is null || ValueFormatter.IsNumber(row[c])) && cells.Any(row => row[c] is not null))
            {
                column.RightAligned();
            }

            table.AddColumn(column);
        }

        foreach (var row in cells)
        {
            table.AddRow(row.Select(v => (IRenderable)new Text(ValueFormatter.Format(v))));
        }

        _console.Write(table);
        _group.Clear();
        _groupKey = null;
    }

    private static object? Cell(PSObject item, string name)
    {
        try
        {
            return ValueFormatter.Unwrap(item.Properties[name]?.Value);
        }
        catch (ExtendedTypeSystemException ex)
        {
            // A property getter that throws should cost one cell, not the whole table.
            return "<" + ex.InnerException?.GetType().Name + ">";
        }
    }
}
