using ObsScaling.Core.Domain;

namespace ObsScaling.Core.Import;

/// <summary>
/// The paper's public evaluation tables and the subsets its analyses use (docs/method.md §1). Files are
/// opened through a caller-supplied function so that Core itself never touches the file system.
/// </summary>
public static class PaperDatasets
{
    public const string BaseBenchmarkFile = "base_llm_benchmark_eval.csv";
    public const string BaseBenchmarkSub10BFile = "base_llm_benchmark_eval_sub_10b.csv";
    public const string EmergentFile = "base_llm_emergent_capability_eval.csv";
    public const string LeaderboardV2File = "base_llm_leaderboard_v2_eval.csv";
    public const string PostTrainingFile = "base_llm_post_training_eval.csv";
    public const string InstructBenchmarkFile = "instruct_llm_benchmark_eval.csv";
    public const string AgentFile = "instruct_llm_agent_eval.csv";

    public static IReadOnlyList<string> AllFiles { get; } =
        [BaseBenchmarkFile, BaseBenchmarkSub10BFile, EmergentFile, LeaderboardV2File, PostTrainingFile, InstructBenchmarkFile, AgentFile];

    /// <summary>Families analysed in the paper (EVAL_BASE_MODEL_FAMILIES).</summary>
    public static IReadOnlyList<string> EvalFamilies { get; } =
    [
        "Llama-2", "Llama", "Llama-3", "Llama-3.1", "Qwen2", "Qwen1.5", "Qwen", "Mistral", "Mixtral", "Yi", "Yi-1.5",
        "Gemma", "Gemma-2", "Falcon", "Phi", "Pythia", "BLOOM", "GPT-Neo/J", "OPT", "MPT", "XGLM", "CodeLlama",
        "StarCoder", "StarCoder2", "DeepSeek-Coder", "DeepSeek-V2", "DeepSeek-Coder-V2", "Jamba",
    ];

    /// <summary>EVAL families whose FLOPs are known (without Mistral, Mixtral, Qwen2).</summary>
    public static IReadOnlyList<string> EvalFamiliesWithFlops { get; } =
        EvalFamilies.Where(f => f is not ("Mistral" or "Mixtral" or "Qwen2")).ToArray();

    /// <summary>Families of code models (BASE_CODE_MODELS).</summary>
    public static IReadOnlyList<string> CodeFamilies { get; } =
        ["StarCoder", "CodeLlama", "Codegen", "StarCoder2", "DeepSeek-Coder", "DeepSeek-Coder-V2"];

    /// <summary>The 20 models released after May 2024 whose capabilities the paper preregistered.</summary>
    public static IReadOnlyList<string> PreregisteredModels { get; } =
    [
        "meta-llama/Meta-Llama-3.1-405B-FP8", "meta-llama/Meta-Llama-3.1-70B", "meta-llama/Meta-Llama-3.1-8B",
        "Qwen/Qwen1.5-110B", "Qwen/Qwen2-72B", "Qwen/Qwen2-57B-A14B", "Qwen/Qwen2-7B", "Qwen/Qwen2-1.5B", "Qwen/Qwen2-0.5B",
        "deepseek-ai/DeepSeek-V2", "deepseek-ai/DeepSeek-Coder-V2-Base",
        "google/gemma-2-27b", "google/gemma-2-9b", "google/gemma-2-2b",
        "mistralai/Mixtral-8x22B-v0.1", "mistralai/Mistral-Nemo-Base-2407",
        "01-ai/Yi-1.5-34B", "01-ai/Yi-1.5-9B", "01-ai/Yi-1.5-6B", "ai21labs/Jamba-v0.1",
    ];

    public static ModelSet Read(Func<string, TextReader> open, string file)
    {
        ArgumentNullException.ThrowIfNull(open);
        using var reader = open(file);
        return PaperCsvReader.Read(reader, file);
    }

    /// <summary>
    /// The default base-model set (load_base_llm_benchmark_eval): EVAL families only, preregistered
    /// models dropped unless asked for. On the public data this is 77 models from 21 families.
    /// </summary>
    public static ModelSet LoadBase(Func<string, TextReader> open, bool onlyEvalFamilies = true, bool includePreregistered = false)
    {
        var all = Read(open, BaseBenchmarkFile);
        var families = EvalFamilies.ToHashSet(StringComparer.Ordinal);
        var prereg = PreregisteredModels.ToHashSet(StringComparer.Ordinal);
        return all.Where(m => (!onlyEvalFamilies || (m.Family is { } f && families.Contains(f))) &&
                              (includePreregistered || !prereg.Contains(m.Name)));
    }

    /// <summary>Instruct benchmark table joined with the agent evaluations (AgentBench, AgentBoard).</summary>
    public static ModelSet LoadInstructWithAgents(Func<string, TextReader> open) =>
        Read(open, InstructBenchmarkFile).Join(Read(open, AgentFile));
}
