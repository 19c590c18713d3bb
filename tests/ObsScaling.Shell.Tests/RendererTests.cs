using System.Management.Automation;
using Spectre.Console;

namespace ObsScaling.Shell.Tests;

public class RendererTests
{
    private static (IAnsiConsole Console, StringWriter Text) Capture(bool ansi = false)
    {
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(text),
            Ansi = ansi ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = ansi ? ColorSystemSupport.Standard : ColorSystemSupport.NoColors,
            Interactive = ansi ? InteractionSupport.Yes : InteractionSupport.No,
        });
        console.Profile.Width = 200;
        return (console, text);
    }

    private static PSObject Custom(params (string Name, object? Value)[] properties)
    {
        var o = new PSObject();
        foreach (var (name, value) in properties)
        {
            o.Properties.Add(new PSNoteProperty(name, value));
        }

        return o;
    }

    [Fact]
    public void Progress_without_a_terminal_rewrites_one_line_and_ends_it_on_completion()
    {
        var text = new StringWriter();
        using (var progress = ProgressRenderer.Line(text))
        {
            progress.Update(new ProgressRecord(1, "Fitting", "model 1 of 4") { PercentComplete = 25 });
            progress.Update(new ProgressRecord(1, "Fitting", "4/4") { PercentComplete = 100 });
            progress.Update(new ProgressRecord(1, "Fitting", "done") { RecordType = ProgressRecordType.Completed });
        }

        // The second status is shorter, so it is padded over the first one's tail.
        Assert.Equal("\rFitting: model 1 of 4 25%\rFitting: 4/4 100%        \rFitting: done    " + Environment.NewLine, text.ToString());
    }

    [Fact]
    public void Progress_on_a_terminal_draws_a_bar_with_the_activity()
    {
        var (console, text) = Capture(ansi: true);
        using (var progress = ProgressRenderer.Live(console))
        {
            progress.Update(new ProgressRecord(1, "Imputing", "iteration 3") { PercentComplete = 40 });
            Thread.Sleep(300);
        }

        var drawn = text.ToString();
        Assert.Contains("Imputing: iteration 3", drawn, StringComparison.Ordinal);
        Assert.Contains("40%", drawn, StringComparison.Ordinal);
        Assert.Contains("━", drawn, StringComparison.Ordinal);
    }

    [Fact]
    public void Error_is_red_with_its_category_and_lists_field_violations_for_invalid_arguments()
    {
        var (console, text) = Capture(ansi: true);
        var exception = new FakeValidationException("2 invalid fields",
        [
            new FakeViolation("models[0].name", "", "a model needs a name"),
            new FakeViolation("target", "bbh", "unknown metric"),
        ]);

        new ErrorRenderer(console).Write(new ErrorRecord(exception, "Invalid", ErrorCategory.InvalidArgument, "request-17"));

        var drawn = text.ToString();
        // Spectre's "red" is SGR 91 (bright red) in the standard palette; either red is fine.
        Assert.Matches("\u001b\\[(31|91)mInvalidArgument: 2 invalid fields", drawn);
        Assert.Contains("target: request-17", drawn, StringComparison.Ordinal);
        Assert.Contains("- models[0].name: a model needs a name (got )", drawn, StringComparison.Ordinal);
        Assert.Contains("- target: unknown metric (got bbh)", drawn, StringComparison.Ordinal);
    }

    [Fact]
    public void Field_violations_are_listed_only_for_invalid_arguments()
    {
        var (console, text) = Capture();
        var exception = new FakeValidationException("not found", [new FakeViolation("name", "x", "why")]);

        new ErrorRenderer(console).Write(new ErrorRecord(exception, "Missing", ErrorCategory.ObjectNotFound, null));

        Assert.Equal("ObjectNotFound: not found" + Environment.NewLine, text.ToString());
    }

    [Fact]
    public void Field_violations_may_come_from_exception_data()
    {
        var exception = new InvalidOperationException("bad");
        exception.Data["FieldViolations"] = new[] { new { Field = "split.train_fraction", Description = "must be in (0, 1)" } };

        var violations = ErrorRenderer.FieldViolations(new ErrorRecord(exception, "Invalid", ErrorCategory.InvalidArgument, null));

        Assert.Equal([("split.train_fraction", "must be in (0, 1)")], violations);
    }

    [Fact]
    public void Objects_are_grouped_into_one_table_per_run_of_the_same_shape()
    {
        var (console, text) = Capture();
        var renderer = new ObjectRenderer(console);

        renderer.Write(Custom(("Name", "a"), ("Mse", 0.000818)));
        renderer.Write(Custom(("Name", "b"), ("Mse", 12345678.9)));
        renderer.Write(PSObject.AsPSObject("between"));
        renderer.Write(Custom(("Family", "llama"), ("Slope", 1.0)));
        renderer.Complete();

        // Whitespace collapsed: the test is about grouping and cell text, not Spectre's padding.
        var lines = text.ToString().Split('\n')
            .Select(l => System.Text.RegularExpressions.Regex.Replace(l.Trim(), @"\s+", " "))
            .Where(l => l.Length > 0 && !l.StartsWith('─'))
            .ToList();
        Assert.Equal(["Name Mse", "a 0.000818", "b 1.23457E+07", "between", "Family Slope", "llama 1"], lines);
    }

    [Fact]
    public void Json_writes_infinities_as_strings_and_stops_at_the_depth_limit()
    {
        object nested = "leaf";
        for (var i = 0; i < JsonRenderer.MaxDepth + 2; i++)
        {
            nested = Custom(("Child", nested));
        }

        var json = JsonRenderer.Serialize([Custom(("Up", double.PositiveInfinity), ("Down", double.NegativeInfinity)), nested]);

        using var doc = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal("Infinity", doc.RootElement[0].GetProperty("Up").GetString());
        Assert.Equal("-Infinity", doc.RootElement[0].GetProperty("Down").GetString());
        var node = doc.RootElement[1];
        var depth = 0;
        while (node.ValueKind == System.Text.Json.JsonValueKind.Object)
        {
            node = node.GetProperty("Child");
            depth++;
        }

        Assert.Equal(JsonRenderer.MaxDepth, depth);
        Assert.Equal(System.Text.Json.JsonValueKind.String, node.ValueKind);
    }

    [Fact]
    public void Modules_are_found_in_the_modules_folder_one_level_deep_then_the_environment_then_options()
    {
        var app = Directory.CreateTempSubdirectory("obs-app-");
        try
        {
            var modules = Directory.CreateDirectory(Path.Combine(app.FullName, "modules"));
            File.WriteAllText(Path.Combine(modules.FullName, "Top.psd1"), "@{}");
            var nested = Directory.CreateDirectory(Path.Combine(modules.FullName, "ObsScaling"));
            File.WriteAllText(Path.Combine(nested.FullName, "ObsScaling.psd1"), "@{}");
            var deep = Directory.CreateDirectory(Path.Combine(nested.FullName, "en-US"));
            File.WriteAllText(Path.Combine(deep.FullName, "Data.psd1"), "@{}");

            var found = ModuleLocator.Find(app.FullName, "/elsewhere/Env.psd1", ["/opt/Option.psd1"]);

            Assert.Equal(
                [Path.Combine(modules.FullName, "Top.psd1"), Path.Combine(nested.FullName, "ObsScaling.psd1"), "/elsewhere/Env.psd1", "/opt/Option.psd1"],
                found);
            Assert.Empty(ModuleLocator.Find(Path.Combine(app.FullName, "nothing-here"), null, []));
        }
        finally
        {
            app.Delete(recursive: true);
        }
    }

    private sealed record FakeViolation(string Field, string Value, string Description);

    private sealed class FakeValidationException(string message, IReadOnlyList<FakeViolation> violations) : Exception(message)
    {
        public IReadOnlyList<FakeViolation> Violations { get; } = violations;
    }
}
