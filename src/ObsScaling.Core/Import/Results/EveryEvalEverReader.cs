using System.Text.Json;

namespace ObsScaling.Core.Import.Results;

/// <summary>
/// Reads an Every Eval Ever aggregate record (the EvalEval coalition's <c>eval.schema.json</c>, schema_version
/// 0.2.x or 0.3.x): one <c>EvaluationLog</c> per file, the model its <c>model_info.id</c>, each element of
/// <c>evaluation_results</c> one score named by its <c>evaluation_name</c> (so sources for one benchmark merge),
/// the value <c>score_details.score</c>, its standard error <c>score_details.uncertainty.standard_error.value</c>
/// and sample count <c>uncertainty.num_samples</c>. <c>metric_config</c> gives the scale (<c>min_score</c>,
/// <c>max_score</c>: numbers, "Infinity"/"-Infinity" or null) and <c>lower_is_better</c>; the first file to report
/// a metric fixes its scale, and a file declaring another one is an error unless normalisation puts both on 0–1.
/// </summary>
internal static class EveryEvalEverReader
{
    public static List<ResultRow> Read(ImportSource source, bool normalize, Dictionary<string, MetricScale> scales, ImportProblems problems)
    {
        var json = JsonText.Parse(source, problems);
        var root = json.Values[0];
        if (json.Values.Count > 1 || root.Kind != JsonValueKind.Object)
        {
            problems.Add(json.Locate(json.Values.Count > 1 ? json.Values[1] : root), root.Raw, "expected one JSON object (an Every Eval Ever evaluation record)");
            return [];
        }

        var version = root["schema_version"];
        if (version is not { Kind: JsonValueKind.String, String: { } v } || !(v.StartsWith("0.2.", StringComparison.Ordinal) || v.StartsWith("0.3.", StringComparison.Ordinal)))
        {
            problems.Add(json.Locate(version ?? root), version?.Raw ?? "", version is null
                ? "no \"schema_version\": not an Every Eval Ever record"
                : "\"schema_version\" must be 0.2.x or 0.3.x (the versions this importer reads)");
            return [];
        }

        var info = root["model_info"];
        if (info?["id"] is not { Kind: JsonValueKind.String, String: { Length: > 0 } model })
        {
            var at = info?["id"] ?? info ?? root;
            problems.Add(json.Locate(at), at.Raw, "\"model_info.id\" must be the model's id (e.g. \"meta-llama/Llama-3.1-8B-Instruct\")");
            return [];
        }

        if (root["evaluation_results"] is not { Kind: JsonValueKind.Array } results)
        {
            var at = root["evaluation_results"] ?? root;
            problems.Add(json.Locate(at), at.Raw, "\"evaluation_results\" must be an array of results");
            return [];
        }

        // One row per result: two results of one file naming the same evaluation are then a duplicate to resolve.
        var rows = new List<ResultRow>();
        foreach (var item in results.Items!)
        {
            if (Result(json, item, model, normalize, scales, problems) is { } row)
            {
                rows.Add(row);
            }
        }

        return rows;
    }

    private static ResultRow? Result(JsonText json, JsonNode item, string model, bool normalize, Dictionary<string, MetricScale> scales, ImportProblems problems)
    {
        if (item is not { Kind: JsonValueKind.Object } || item["evaluation_name"] is not { Kind: JsonValueKind.String, String: { Length: > 0 } name })
        {
            var at = item["evaluation_name"] ?? item;
            problems.Add(json.Locate(at), at.Raw, "each evaluation result needs an \"evaluation_name\" (the metric it is stored under)");
            return null;
        }

        var details = item["score_details"];
        var scoreNode = details?["score"];
        if (scoreNode is not { Kind: JsonValueKind.Number } || !double.IsFinite(scoreNode.Number))
        {
            var at = scoreNode ?? details ?? item;
            problems.Add(json.Locate(at), at.Raw, $"\"score_details.score\" of '{name}' must be a finite number");
            return null;
        }

        var config = item["metric_config"];
        var min = Bound(json, config?["min_score"], "min_score", problems, out var badMin);
        var max = Bound(json, config?["max_score"], "max_score", problems, out var badMax);
        var lower = config?["lower_is_better"];
        if (badMin || badMax || lower is not null && lower.Kind is not (JsonValueKind.True or JsonValueKind.False))
        {
            if (lower is not null && lower.Kind is not (JsonValueKind.True or JsonValueKind.False))
            {
                problems.Add(json.Locate(lower), lower.Raw, "\"metric_config.lower_is_better\" must be true or false");
            }

            return null;
        }

        var score = scoreNode.Number;
        var scoreAt = json.Locate(scoreNode);
        if (min is { } lo && score < lo || max is { } hi && score > hi)
        {
            problems.Add(scoreAt, scoreNode.Raw, $"score of '{name}' is outside its declared scale [{Text(min, "-Infinity")}, {Text(max, "Infinity")}]");
            return null;
        }

        if (min is { } a && max is { } b && !(a < b))
        {
            problems.Add(json.Locate(config!), config!.Raw, $"'{name}': min_score {CellValues.Format(a)} is not below max_score {CellValues.Format(b)}");
            return null;
        }

        double? se = null;
        var seNode = details?["uncertainty"]?["standard_error"]?["value"];
        if (seNode is not null && seNode.Kind != JsonValueKind.Null)
        {
            if (seNode.Kind != JsonValueKind.Number || !double.IsFinite(seNode.Number) || seNode.Number < 0)
            {
                problems.Add(json.Locate(seNode), seNode.Raw, $"standard error of '{name}' must be a finite number ≥ 0");
                return null;
            }

            se = seNode.Number;
        }

        if (normalize && min is { } from && max is { } to)
        {
            // The bounds are the scale's own: a linear map onto [0, 1] keeps every comparison, and the SE scales alike.
            var range = to - from;
            score = Math.Clamp((score - from) / range, 0, 1);
            se /= range;
            (min, max) = (0, 1);
        }

        var lowerIsBetter = lower?.Kind == JsonValueKind.True;
        var declaredAt = json.Locate(config ?? item);
        if (!scales.TryGetValue(name, out var scale))
        {
            scales[name] = scale = new MetricScale(name, min, max, lowerIsBetter, declaredAt);
        }
        else if (scale.Min != min || scale.Max != max || scale.LowerIsBetter != lowerIsBetter)
        {
            var now = new MetricScale(name, min, max, lowerIsBetter, declaredAt);
            problems.Add(declaredAt, name, $"'{name}' is declared on {now.Describe()} here but on {scale.Describe()} at {scale.DeclaredAt}" +
                (normalize ? "" : "; set normalize_scores to put bounded scales on 0–1"));
            return null;
        }

        scale.Saw(score);
        var row = new ResultRow(model, json.Locate(item));
        row.Scores[name] = (score, scoreAt);
        if (se is { } e)
        {
            row.StandardErrors[name] = e;
        }

        if (details?["uncertainty"]?["num_samples"] is { Kind: JsonValueKind.Number } n && n.Number >= 1 && n.Number == Math.Floor(n.Number))
        {
            row.SampleCounts[name] = (long)n.Number;
        }

        return row;
    }

    /// <summary>A bound as the schema writes it: a number, the string "Infinity"/"-Infinity", null or absent (unbounded).</summary>
    private static double? Bound(JsonText json, JsonNode? node, string key, ImportProblems problems, out bool bad)
    {
        bad = false;
        switch (node)
        {
            case null or { Kind: JsonValueKind.Null }:
                return null;
            case { Kind: JsonValueKind.Number } when double.IsFinite(node.Number):
                return node.Number;
            case { Kind: JsonValueKind.String, String: "Infinity" or "-Infinity" or "+Infinity" }:
                return null;
            default:
                bad = true;
                problems.Add(json.Locate(node), node.Raw, $"\"metric_config.{key}\" must be a number, \"Infinity\", \"-Infinity\" or null");
                return null;
        }
    }

    private static string Text(double? b, string open) => b is { } v ? CellValues.Format(v) : open;
}
