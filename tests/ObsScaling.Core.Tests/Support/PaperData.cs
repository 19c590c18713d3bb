using System.Globalization;

namespace ObsScaling.Core.Tests.Support;

/// <summary>
/// The paper's CSVs live outside the repository (../shared/data/obsscaling next to the repo root), so
/// tests that use them skip when they are absent.
/// </summary>
internal static class PaperData
{
    public static readonly string[] Metrics = ["MMLU", "ARC-C", "HellaSwag", "Winograd", "TruthfulQA", "GSM8K", "XWinograd", "HumanEval"];

    private static readonly HashSet<string> EvalFamilies = new(StringComparer.Ordinal)
    {
        "Llama-2", "Llama", "Llama-3", "Llama-3.1", "Qwen2", "Qwen1.5", "Qwen", "Mistral", "Mixtral", "Yi", "Yi-1.5",
        "Gemma", "Gemma-2", "Falcon", "Phi", "Pythia", "BLOOM", "GPT-Neo/J", "OPT", "MPT", "XGLM", "CodeLlama",
        "StarCoder", "StarCoder2", "DeepSeek-Coder", "DeepSeek-V2", "DeepSeek-Coder-V2", "Jamba",
    };

    private static readonly HashSet<string> Preregistered = new(StringComparer.Ordinal)
    {
        "meta-llama/Meta-Llama-3.1-405B-FP8", "meta-llama/Meta-Llama-3.1-70B", "meta-llama/Meta-Llama-3.1-8B",
        "Qwen/Qwen1.5-110B", "Qwen/Qwen2-72B", "Qwen/Qwen2-57B-A14B", "Qwen/Qwen2-7B", "Qwen/Qwen2-1.5B", "Qwen/Qwen2-0.5B",
        "deepseek-ai/DeepSeek-V2", "deepseek-ai/DeepSeek-Coder-V2-Base", "google/gemma-2-27b", "google/gemma-2-9b",
        "google/gemma-2-2b", "mistralai/Mixtral-8x22B-v0.1", "mistralai/Mistral-Nemo-Base-2407", "01-ai/Yi-1.5-34B",
        "01-ai/Yi-1.5-9B", "01-ai/Yi-1.5-6B", "ai21labs/Jamba-v0.1",
    };

    public static string BaseEvalCsv => Path.Combine(DataDirectory(), "base_llm_benchmark_eval.csv");

    public const string MissingReason = "the paper data (../shared/data/obsscaling) is not available";

    /// <summary>The default 77-model set of method.md §1 (EVAL families, preregistered models removed).</summary>
    public static DefaultSet LoadDefaultSet()
    {
        var lines = File.ReadAllLines(BaseEvalCsv);
        var header = lines[0].Split(',');
        var model = Array.IndexOf(header, "Model");
        var family = Array.IndexOf(header, "Model Family");
        var flops = Array.IndexOf(header, "FLOPs (1E21)");
        var columns = Metrics.Select(m => Array.IndexOf(header, m)).ToArray();
        var rows = lines.Skip(1)
            .Select(l => l.Split(','))
            .Where(r => EvalFamilies.Contains(r[family]) && !Preregistered.Contains(r[model]))
            .ToArray();
        var scores = new double[rows.Length, Metrics.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            for (var j = 0; j < columns.Length; j++)
            {
                scores[i, j] = Parse(rows[i][columns[j]]);
            }
        }

        return new DefaultSet(
            rows.Select(r => r[model]).ToArray(),
            rows.Select(r => (string?)r[family]).ToArray(),
            rows.Select(r => Parse(r[flops])).ToArray(),
            scores);
    }

    private static double Parse(string s) => s.Length == 0 ? double.NaN : double.Parse(s, CultureInfo.InvariantCulture);

    /// <summary>
    /// ../shared/data/obsscaling relative to the repository root (the folder holding ObsScaling.Grpc.sln).
    /// A git worktree sits one level deeper (wt/&lt;name&gt;), so further ancestors are tried as well.
    /// </summary>
    private static string DataDirectory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ObsScaling.Grpc.sln")))
        {
            dir = dir.Parent;
        }

        if (dir?.Parent is null)
        {
            return Path.Combine(AppContext.BaseDirectory, "missing-repo-root");
        }

        for (var up = dir.Parent; up is not null; up = up.Parent)
        {
            var candidate = Path.Combine(up.FullName, "shared", "data", "obsscaling");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return Path.Combine(dir.Parent.FullName, "shared", "data", "obsscaling");
    }
}

internal sealed record DefaultSet(string[] Models, string?[] Families, double[] FlopsE21, double[,] Scores);
