namespace ObsScaling.Core.Import.Results;

/// <summary>The file layouts <see cref="ResultImporter"/> reads.</summary>
public enum ResultFormat
{
    /// <summary>EleutherAI lm-evaluation-harness v0.4 <c>results*.json</c>, one model per file.</summary>
    LmEvalHarness,

    /// <summary>Open LLM Leaderboard v1 <c>contents</c> export (CSV or JSON records); scores in percent.</summary>
    OpenLlmLeaderboardV1,

    /// <summary>Open LLM Leaderboard v2 <c>contents</c> export (CSV or JSON records); raw and normalised columns.</summary>
    OpenLlmLeaderboardV2,

    /// <summary>A long CSV: <c>model, benchmark, value[, stderr]</c>, one row per score.</summary>
    TidyCsv,

    /// <summary>Epoch AI Benchmarking Hub CSV, one file per benchmark (named by its stem), one row per model version.</summary>
    EpochBenchmarkingHub,

    /// <summary>Every Eval Ever aggregate JSON (<c>eval.schema.json</c> 0.2.x/0.3.x), one evaluation record per file.</summary>
    EveryEvalEver,

    /// <summary>Inspect AI eval logs: <c>.eval</c> (a zip; its <c>header.json</c>) or <c>.json</c> (the whole log).</summary>
    InspectAi,
}
