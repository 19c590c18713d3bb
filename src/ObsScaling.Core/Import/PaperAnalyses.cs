using ObsScaling.Core.Domain;
using ObsScaling.Core.Holdout;
using ObsScaling.Core.Laws;

namespace ObsScaling.Core.Import;

/// <summary>
/// The setups of the paper's notebooks (docs/method.md §9) built from the public files: agents,
/// leaderboard v2, post-training techniques and emergent capabilities. Predictors default to PC-1..3;
/// swap <see cref="HoldoutOptions.Predictors"/> for the compute baselines.
/// </summary>
public static class PaperAnalyses
{
    public const string GsmNaive = "gsm8k_5_exact_match,flexible-extract";
    public const string GsmCot = "gsm8k_cot_8_exact_match,flexible-extract";
    public const string GsmCotSelfConsistency = "gsm8k_cot_self_consistency_8_exact_match,maj@5-flexible-extract";

    private static readonly ScalingLawOptions Robust = new() { Loss = LossKind.Huber, HuberDelta = 1.0 };

    /// <summary>AgentBench overall score (0–10) of instruct models; the 10% best held out (Sec 4.3).</summary>
    public static PaperAnalysis AgentBench(Func<string, TextReader> open) => new(
        "agentbench",
        "AgentBench overall (min–max 0–10) from PC-1..3 of 7 instruct benchmarks; top 10% by score held out",
        PaperDatasets.LoadInstructWithAgents(open),
        new HoldoutOptions
        {
            Target = "ABench-OA",
            Transform = TargetTransform.MinMax(0, 10),
            CapabilityMetrics = PaperMetrics.InstructBenchmarks,
            Split = HoldoutSplit.TopFraction(HoldoutSplit.TargetColumn, 0.1),
            ReferenceFamily = "Llama-2-Chat",
        },
        new PublishedFigures(3.7e-4, 2.2e-4, 0.9997, -5.517));

    /// <summary>AgentBoard average success rate (0–100) of instruct models.</summary>
    public static PaperAnalysis AgentBoard(Func<string, TextReader> open) => new(
        "agentboard",
        "AgentBoard average success rate (÷100) from PC-1..3 of 7 instruct benchmarks; top 10% held out",
        PaperDatasets.LoadInstructWithAgents(open).Where(m => !double.IsNaN(m.Score("ABoard-Avg_PR"))),
        new HoldoutOptions
        {
            Target = "ABoard-Avg_SR",
            Transform = TargetTransform.MinMax(0, 100),
            CapabilityMetrics = PaperMetrics.InstructBenchmarks,
            Split = HoldoutSplit.TopFraction(HoldoutSplit.TargetColumn, 0.1),
            ReferenceFamily = "Llama-2-Chat",
        },
        new PublishedFigures(2.9e-4, 3.6e-3, 0.985, -6.600));

    /// <summary>Open LLM Leaderboard v2 task (gpqa, math_hard or bbh) of base models (App. C.3).</summary>
    public static PaperAnalysis LeaderboardV2(Func<string, TextReader> open, string task)
    {
        var (target, low, cutoff, published) = task switch
        {
            "gpqa" => ("leaderboard_gpqa", 0.25, 168.0, new PublishedFigures(2.7e-4, 8.3e-4)),
            "math" or "math_hard" => ("leaderboard_math_hard", 0.0, 252.0, new PublishedFigures(6.6e-5, 2.2e-3)),
            "bbh" => ("leaderboard_bbh", PaperMetrics.BbhRandomMean, 84.0, new PublishedFigures(3.4e-4, 1.5e-3, 1.187, -4.222)),
            _ => throw new ObsValidationException("task", task, "one of gpqa, math, bbh"),
        };
        var families = PaperDatasets.EvalFamiliesWithFlops.ToHashSet(StringComparer.Ordinal);
        var models = PaperDatasets.LoadBase(open, onlyEvalFamilies: false, includePreregistered: true)
            .Join(PaperDatasets.Read(open, PaperDatasets.LeaderboardV2File))
            .Where(m => m.Family is { } f && families.Contains(f));
        return new PaperAnalysis(
            "lbv2-" + task,
            $"{target} (min–max from {low:G4}) from PC-1..3 of the 7 non-GSM benchmarks; plain sigmoid, Huber δ=1; FLOPs ≤ {cutoff} in train",
            models,
            new HoldoutOptions
            {
                Target = target,
                Transform = TargetTransform.MinMax(low, 1),
                CapabilityMetrics = PaperMetrics.NonGsmBenchmarks,
                Split = HoldoutSplit.Cutoff(ModelColumns.FlopsE21, cutoff),
                Law = Robust with { Link = LawLink.Sigmoid },
            },
            published);
    }

    /// <summary>GSM8K under a post-training technique (greedy, CoT, CoT + self-consistency) of base models (Sec 4.2).</summary>
    public static PaperAnalysis PostTraining(Func<string, TextReader> open, string target) => new(
        "posttrain-" + target,
        $"{target} (raw accuracy) from PC-1..3 of the 7 non-GSM benchmarks; sigmoid with floor, Huber δ=1; FLOPs ≤ 84 in train",
        PaperDatasets.LoadBase(open).Join(PaperDatasets.Read(open, PaperDatasets.PostTrainingFile)),
        new HoldoutOptions
        {
            Target = target,
            CapabilityMetrics = PaperMetrics.NonGsmBenchmarks,
            Law = Robust,
        },
        null);

    /// <summary>An "emergent" BIG-Bench task of base models (Sec 4.1).</summary>
    public static PaperAnalysis Emergent(Func<string, TextReader> open, string target)
    {
        var arithmetic = target.StartsWith("arithmetic", StringComparison.Ordinal);
        var low = target.StartsWith("parsinlu", StringComparison.Ordinal) ? 0.25 : 0.0;
        var high = target.EndsWith("_bleu", StringComparison.Ordinal) ? 100.0 : 1.0;
        var cutoff = arithmetic ? 22.0 : 84.0;
        return new PaperAnalysis(
            "emergent-" + target,
            $"{target} (min–max {low:G4}–{high:G4}) from PC-1..3; sigmoid with floor; FLOPs ≤ {cutoff} in train",
            PaperDatasets.LoadBase(open).Join(PaperDatasets.Read(open, PaperDatasets.EmergentFile)),
            new HoldoutOptions
            {
                Target = target,
                Transform = TargetTransform.MinMax(low, high),
                CapabilityMetrics = arithmetic ? PaperMetrics.NonGsmBenchmarks : PaperMetrics.BaseBenchmarks,
                Split = HoldoutSplit.Cutoff(ModelColumns.FlopsE21, cutoff),
            },
            null);
    }
}
