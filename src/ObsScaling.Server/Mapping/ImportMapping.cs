using ObsScaling.Core.Domain;
using ObsScaling.Core.Import.Results;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Mapping;

/// <summary>Maps the contract's result-import options to the engine's <see cref="ImportOptions"/>.</summary>
internal static class ImportMapping
{
    public const string OptionsField = "header.options";

    /// <summary>The options, with rules from FAMILY_RULES files (already parsed) tried after the header's and before the built-in ones.</summary>
    public static ImportOptions ToDomain(this V1.ResultImportOptions o, IEnumerable<FamilyRules> fileRules)
    {
        ArgumentNullException.ThrowIfNull(o);
        var v = new List<FieldViolation>();
        var format = o.Format switch
        {
            V1.ResultFormat.LmEvalHarness => ResultFormat.LmEvalHarness,
            V1.ResultFormat.OpenLlmLeaderboardV1 => ResultFormat.OpenLlmLeaderboardV1,
            V1.ResultFormat.OpenLlmLeaderboardV2 => ResultFormat.OpenLlmLeaderboardV2,
            V1.ResultFormat.TidyCsv => ResultFormat.TidyCsv,
            V1.ResultFormat.EpochBenchmarkingHub => ResultFormat.EpochBenchmarkingHub,
            V1.ResultFormat.EveryEvalEver => ResultFormat.EveryEvalEver,
            V1.ResultFormat.InspectAi => ResultFormat.InspectAi,
            _ => (ResultFormat?)null,
        };
        if (format is null)
        {
            v.Add(new FieldViolation(OptionsField + ".format", o.Format.ToString(), "choose a format: LM_EVAL_HARNESS, OPEN_LLM_LEADERBOARD_V1, OPEN_LLM_LEADERBOARD_V2, TIDY_CSV, EPOCH_BENCHMARKING_HUB, EVERY_EVAL_EVER or INSPECT_AI"));
        }

        var metrics = new List<MetricSelection>();
        for (var i = 0; i < o.Metrics.Count; i++)
        {
            try
            {
                metrics.Add(MetricSelection.Parse(o.Metrics[i], $"{OptionsField}.metrics[{i}]"));
            }
            catch (ObsValidationException ex)
            {
                v.AddRange(ex.Violations);
            }
        }

        var rules = FamilyRules.None;
        try
        {
            rules = FamilyRules.Parse(o.FamilyRules, OptionsField + ".family_rules");
        }
        catch (ObsValidationException ex)
        {
            v.AddRange(ex.Violations);
        }

        if (v.Count > 0)
        {
            throw new ObsValidationException(v);
        }

        foreach (var r in fileRules)
        {
            rules = rules.Then(r);
        }

        return new ImportOptions
        {
            Format = format!.Value,
            Metrics = metrics,
            Scale = o.Scale switch
            {
                V1.ScoreScale.Raw => ScoreScale.Raw,
                V1.ScoreScale.Normalized => ScoreScale.Normalized,
                _ => ScoreScale.Unspecified,
            },
            AllowMissingTasks = o.AllowMissingTasks,
            NormalizeScores = o.NormalizeScores,
            FamilyRules = o.NoDefaultFamilyRules ? rules : rules.Then(FamilyRules.Default),
            Duplicates = o.Duplicates switch
            {
                V1.DuplicatePolicy.First => DuplicatePolicy.First,
                V1.DuplicatePolicy.Last => DuplicatePolicy.Last,
                V1.DuplicatePolicy.Best => DuplicatePolicy.Best,
                _ => DuplicatePolicy.Error,
            },
        };
    }

    /// <summary>The engine names options by their own names ("metrics", "scale"): give them their request paths.</summary>
    public static ObsValidationException WithRequestPaths(ObsValidationException ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        if (ex.Violations.All(x => x.Field is not ("metrics" or "scale" or "format")))
        {
            return ex;
        }

        return new ObsValidationException(ex.Violations.Select(x => x.Field is "metrics" or "scale" or "format" ? x with { Field = $"{OptionsField}.{x.Field}" } : x).ToArray());
    }
}
