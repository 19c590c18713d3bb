using System.Globalization;
using System.Text;
using ObsScaling.Core.Domain;

namespace ObsScaling.Testing;

/// <summary>
/// Writes models as lm-evaluation-harness v0.4 results files (one per model, with the decoy keys a real file has:
/// other filters, other metrics, standard errors, groups, configs) and as a metadata CSV, so that end-to-end tests
/// can import the paper's data through the importers and compare with the paper's own CSV.
/// </summary>
internal static class LmEvalFiles
{
    /// <summary>Paper metric → harness task and score key.</summary>
    public static readonly (string Metric, string Task, string Key)[] Tasks =
    [
        ("MMLU", "mmlu", "acc,none"),
        ("ARC-C", "arc_challenge", "acc_norm,none"),
        ("HellaSwag", "hellaswag", "acc_norm,none"),
        ("Winograd", "winogrande", "acc,none"),
        ("TruthfulQA", "truthfulqa_mc2", "acc,none"),
        ("GSM8K", "gsm8k", "exact_match,flexible-extract"),
        ("XWinograd", "xwinograd", "acc,none"),
        ("HumanEval", "humaneval", "pass@1,create_test"),
        ("leaderboard_bbh", "leaderboard_bbh", "acc_norm,none"),
        ("leaderboard_gpqa", "leaderboard_gpqa", "acc_norm,none"),
        ("leaderboard_ifeval", "leaderboard_ifeval", "prompt_level_strict_acc,none"),
        ("leaderboard_math_hard", "leaderboard_math_hard", "exact_match,none"),
        ("leaderboard_mmlu_pro", "leaderboard_mmlu_pro", "acc,none"),
        ("leaderboard_musr", "leaderboard_musr", "acc_norm,none"),
    ];

    /// <summary>The selections that read <see cref="Tasks"/> back under the paper's names.</summary>
    public static string[] Selections(IEnumerable<string> metrics) =>
        Tasks.Where(t => metrics.Contains(t.Metric)).Select(t => t.Task == t.Metric ? $"{t.Task}={t.Key}" : $"{t.Task}={t.Key}->{t.Metric}").ToArray();

    public static string FileName(ModelRecord m) => "results_" + m.Name.Replace("/", "__", StringComparison.Ordinal) + ".json";

    public static string Results(ModelRecord m)
    {
        var sb = new StringBuilder();
        sb.Append("{\n  \"results\": {\n");
        var first = true;
        foreach (var (metric, task, key) in Tasks)
        {
            if (!m.Scores.TryGetValue(metric, out var v))
            {
                continue;
            }

            var (name, filter) = (key[..key.IndexOf(',', StringComparison.Ordinal)], key[(key.IndexOf(',', StringComparison.Ordinal) + 1)..]);
            sb.Append(first ? "" : ",\n").Append("    \"").Append(task).Append("\": {\n      \"alias\": \"").Append(task).Append("\",\n");
            // Decoys first: a different filter or metric of the same task, in a different value.
            var decoy = task == "gsm8k" ? "exact_match,strict-match" : name == "acc_norm" ? "acc,none" : name + ",other-filter";
            sb.Append("      \"").Append(decoy).Append("\": ").Append(R(v * 0.9)).Append(",\n");
            sb.Append("      \"").Append(key).Append("\": ").Append(R(v)).Append(",\n");
            sb.Append("      \"").Append(name).Append("_stderr,").Append(filter).Append("\": ").Append(v is 0 or 1 ? "NaN" : R(Math.Sqrt(v * (1 - v) / 1000))).Append("\n    }");
            first = false;
        }

        sb.Append("\n  },\n  \"versions\": {");
        sb.Append(string.Join(", ", Tasks.Where(t => m.Scores.ContainsKey(t.Metric)).Select(t => $"\"{t.Task}\": 1.0")));
        sb.Append("},\n  \"n-shot\": {");
        sb.Append(string.Join(", ", Tasks.Where(t => m.Scores.ContainsKey(t.Metric)).Select(t => $"\"{t.Task}\": 5")));
        sb.Append("},\n  \"config\": {\n    \"model\": \"hf\",\n    \"model_args\": \"pretrained=").Append(m.Name).Append(",revision=main,dtype=bfloat16\",\n");
        sb.Append("    \"batch_size\": \"auto\",\n    \"device\": \"cuda:0\"\n  },\n");
        sb.Append("  \"git_hash\": \"3196e907\",\n  \"date\": 1718100133.46,\n  \"model_source\": \"hf\",\n");
        sb.Append("  \"model_name\": \"").Append(m.Name).Append("\",\n  \"model_name_sanitized\": \"").Append(m.Name.Replace("/", "__", StringComparison.Ordinal)).Append("\"\n}\n");
        return sb.ToString();
    }

    /// <summary>model, params_b, tokens_t, flops_e21 — exact (round-trip) numbers, empty where unknown; no family (the rules infer it).</summary>
    public static string Metadata(IEnumerable<ModelRecord> models)
    {
        var sb = new StringBuilder("model,params_b,tokens_t,flops_e21\n");
        foreach (var m in models)
        {
            sb.Append(m.Name).Append(',').Append(Opt(m.ParametersB)).Append(',').Append(Opt(m.TokensT)).Append(',').Append(Opt(m.FlopsE21)).Append('\n');
        }

        return sb.ToString();
    }

    private static string Opt(double? v) => v is { } x ? R(x) : "";

    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
