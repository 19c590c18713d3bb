using System.Globalization;
using System.Text.Json;
using ObsScaling.Core.Domain;

namespace ObsScaling.Core.Import.Results;

/// <summary>
/// Reads an lm-evaluation-harness v0.4 <c>results*.json</c>: the model from <c>model_name</c> or the
/// <c>pretrained=</c> entry of <c>config.model_args</c> (with its <c>revision=</c> and <c>dtype=</c>), the
/// parameter count from <c>config.model_num_parameters</c>, and for each selected benchmark the score
/// <c>results[task]["metric,filter"]</c>. A missing task or key is an error that lists what the file has.
/// </summary>
internal static class LmEvalResultsReader
{
    public static ResultRow? Read(ImportSource source, IReadOnlyList<MetricSelection> metrics, Func<string, MetricInfo> describe, ImportProblems problems)
    {
        var json = JsonText.Parse(source, problems);
        var root = json.Values[0];
        if (json.Values.Count > 1 || root.Kind != JsonValueKind.Object)
        {
            problems.Add(json.Locate(json.Values.Count > 1 ? json.Values[1] : root), root.Raw, "expected one JSON object (an lm-evaluation-harness results file)");
            return null;
        }

        if (root["results"] is not { Kind: JsonValueKind.Object } results)
        {
            var node = root["results"];
            problems.Add(json.Locate(node ?? root), node?.Raw ?? "", node is null
                ? "no \"results\" object: not an lm-evaluation-harness results file"
                : $"\"results\" must be an object, found {node.KindName}");
            return null;
        }

        var config = root["config"];
        var args = ModelArgs(config?["model_args"]);
        var name = Text(root["model_name"]) ?? args.GetValueOrDefault("pretrained");
        if (string.IsNullOrWhiteSpace(name))
        {
            problems.Add(json.Locate(config ?? root), config?.Raw ?? "", "cannot tell the model: neither \"model_name\" nor a pretrained= entry in \"config.model_args\"");
            return null;
        }

        var row = new ResultRow(name, json.Locate(root))
        {
            Revision = args.GetValueOrDefault("revision") ?? Text(config?["model_revision"]),
            Precision = args.GetValueOrDefault("dtype") ?? Text(config?["model_dtype"]),
        };
        if (config?["model_num_parameters"] is { Kind: JsonValueKind.Number } n && n.Number > 0 && double.IsFinite(n.Number))
        {
            row.ParametersB = n.Number / 1e9;
        }

        foreach (var m in metrics)
        {
            if (results[m.Task] is not { } task)
            {
                row.Missing.Add((m.Name, new FieldViolation(json.Locate(results).ToString(), m.Task,
                    $"task '{m.Task}' is not in \"results\"; the file has: {List(results.Properties!.Select(p => p.Key))} (allow missing tasks to import it as not evaluated)"), true));
                continue;
            }

            if (task.Kind != JsonValueKind.Object)
            {
                problems.Add(json.Locate(task), task.Raw, $"results of task '{m.Task}' must be an object, found {task.KindName}");
                continue;
            }

            if (task[m.Key] is not { } value)
            {
                var keys = task.Properties!.Select(p => p.Key).Where(k => k != "alias" && !k.Contains("_stderr,", StringComparison.Ordinal));
                row.Missing.Add((m.Name, new FieldViolation(json.Locate(task).ToString(), m.Key, $"task '{m.Task}' has no score '{m.Key}'; it has: {List(keys)}"), false));
                continue;
            }

            var at = json.Locate(value);
            if (value.Kind != JsonValueKind.Number || !double.IsFinite(value.Number))
            {
                problems.Add(at, value.Raw, $"score '{m.Key}' of task '{m.Task}' is {(value.Kind == JsonValueKind.Number ? "not finite" : value.KindName)}, expected a number");
                continue;
            }

            var info = describe(m.Name);
            if (!info.Contains(value.Number))
            {
                problems.Add(at, value.Raw, $"score '{m.Key}' of task '{m.Task}' is outside [{Fmt(info.Min)}, {Fmt(info.Max)}]");
                continue;
            }

            row.Scores[m.Name] = (value.Number, at);
        }

        return row;
    }

    /// <summary><c>model_args</c> is "pretrained=org/name,revision=main,dtype=float16" (or, from the Python API, an object).</summary>
    private static Dictionary<string, string> ModelArgs(JsonNode? node)
    {
        var args = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is { Kind: JsonValueKind.String, String: { } s })
        {
            foreach (var part in s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var eq = part.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0)
                {
                    args[part[..eq].Trim()] = part[(eq + 1)..].Trim();
                }
            }
        }
        else if (node is { Kind: JsonValueKind.Object })
        {
            foreach (var (k, v) in node.Properties!)
            {
                if (Text(v) is { } t)
                {
                    args[k] = t;
                }
            }
        }

        return args;
    }

    private static string? Text(JsonNode? node) => node switch
    {
        { Kind: JsonValueKind.String, String: { Length: > 0 } s } => s,
        { Kind: JsonValueKind.Number } => node.Raw,
        _ => null,
    };

    private static string List(IEnumerable<string> keys)
    {
        var all = keys.ToList();
        return all.Count == 0 ? "(none)" : string.Join(", ", all.Take(30)) + (all.Count > 30 ? $", … ({all.Count} in all)" : "");
    }

    private static string Fmt(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
