using ObsScaling.Core.Import.Results;

namespace ObsScaling.Core.Tests.Import;

/// <summary>The synthetic but format-faithful result files under Import/Fixtures.</summary>
internal static class ResultFixtures
{
    public const string Llama2 = "results_2024-06-11T10-02-13.json";
    public const string Qwen15 = "results_2024-06-12T08-40-55.json";
    public const string MistralOld = "results_2024-03-01T12-00-00.json";
    public const string BadSyntax = "results_bad_syntax.json";
    public const string StringScore = "results_string_score.json";
    public const string V1 = "open-llm-leaderboard-v1.csv";
    public const string V2 = "open-llm-leaderboard-v2.csv";
    public const string V2Json = "open-llm-leaderboard-v2.json";
    public const string V2Bad = "open-llm-leaderboard-v2-bad.csv";
    public const string Tidy = "tidy.csv";
    public const string TidyBad = "tidy_bad.csv";
    public const string TidyMetadata = "tidy_metadata.csv";
    public const string RulesFile = "family_rules.txt";

    public static string Text(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Import", "Fixtures", name));

    public static ImportSource Source(string name) => new(name, Text(name));
}
