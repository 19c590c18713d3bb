using System.Collections;
using System.Management.Automation;
using System.Reflection;
using Spectre.Console;

namespace ObsScaling.Shell;

/// <summary>
/// Writes an <see cref="ErrorRecord"/> as a red <c>Category: message</c> line, then the target object, the
/// script position, and for <see cref="ErrorCategory.InvalidArgument"/> every field violation found on the
/// exception chain, so a user can fix a whole request at once.
/// </summary>
/// <remarks>
/// Violations are discovered by shape, not by type, so the module can surface them however it likes: any
/// public property (e.g. <c>Violations</c>, <c>FieldViolations</c>) or <c>Exception.Data["FieldViolations"]</c>
/// holding a sequence of items that have a <c>Field</c> property, with an optional
/// <c>Description</c>/<c>Reason</c>/<c>Message</c> and <c>Value</c>.
/// </remarks>
internal sealed class ErrorRenderer
{
    private static readonly string[] ReasonNames = ["Description", "Reason", "Message"];

    private readonly IAnsiConsole _console;

    public ErrorRenderer(IAnsiConsole console) => _console = console;

    public void Write(ErrorRecord record)
    {
        var message = record.ErrorDetails?.Message is { Length: > 0 } details ? details : record.Exception?.Message ?? record.ToString();
        var category = record.CategoryInfo.Category;
        _console.MarkupLine($"[red]{Markup.Escape($"{category}: {message}")}[/]");

        if (record.TargetObject is { } target && ValueFormatter.Format(target) is { Length: > 0 } text && text != message)
        {
            _console.MarkupLine($"[red]  target: {Markup.Escape(text)}[/]");
        }

        if (category == ErrorCategory.InvalidArgument)
        {
            foreach (var (field, reason) in FieldViolations(record))
            {
                _console.MarkupLine($"[red]  - {Markup.Escape(field)}{(reason.Length > 0 ? ": " + Markup.Escape(reason) : string.Empty)}[/]");
            }
        }

        if (record.InvocationInfo?.PositionMessage is { Length: > 0 } position && record.InvocationInfo.ScriptName is { Length: > 0 })
        {
            _console.MarkupLine($"[grey]{Markup.Escape(position)}[/]");
        }
    }

    internal static IReadOnlyList<(string Field, string Reason)> FieldViolations(ErrorRecord record)
    {
        var found = new List<(string, string)>();
        for (var ex = record.Exception; ex is not null; ex = ex.InnerException)
        {
            if (ex.Data["FieldViolations"] is IEnumerable fromData)
            {
                found.AddRange(Read(fromData));
            }

            foreach (var property in ex.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.GetIndexParameters().Length == 0 && property.PropertyType != typeof(string)
                    && typeof(IEnumerable).IsAssignableFrom(property.PropertyType) && property.Name != nameof(Exception.Data)
                    && property.GetValue(ex) is IEnumerable items)
                {
                    found.AddRange(Read(items));
                }
            }

            if (found.Count > 0)
            {
                break;
            }
        }

        return found;
    }

    private static IEnumerable<(string, string)> Read(IEnumerable items)
    {
        foreach (var item in items)
        {
            if (item is null)
            {
                continue;
            }

            var ps = PSObject.AsPSObject(item);
            if (ps.Properties["Field"]?.Value is not { } field)
            {
                continue;
            }

            var reason = ReasonNames.Select(n => ps.Properties[n]?.Value?.ToString()).FirstOrDefault(r => !string.IsNullOrEmpty(r)) ?? string.Empty;
            if (ps.Properties["Value"]?.Value is { } value && !reason.Contains("(got ", StringComparison.Ordinal))
            {
                reason = reason.Length > 0 ? $"{reason} (got {ValueFormatter.Format(value)})" : $"got {ValueFormatter.Format(value)}";
            }

            yield return (field.ToString() ?? string.Empty, reason);
        }
    }
}
