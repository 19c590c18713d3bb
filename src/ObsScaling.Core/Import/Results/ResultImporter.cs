using ObsScaling.Core.Domain;

namespace ObsScaling.Core.Import.Results;

/// <summary>
/// Imports evaluation results in the formats users already have — lm-evaluation-harness results files, Open LLM
/// Leaderboard v1/v2 exports, a tidy long CSV — plus an optional metadata CSV (family, parameters, tokens, FLOPs
/// with units), into one validated <see cref="ModelSet"/>. Every problem in every file is reported at once, each
/// at its file:line:column. Core reads no files: the caller passes their text.
/// </summary>
public static class ResultImporter
{
    public static ModelSet Import(IReadOnlyList<ImportSource> files, ImportSource? metadata, ImportOptions options) =>
        Import(files, metadata, options, []);

    /// <summary>As above; <paramref name="warnings"/> receives files read but deliberately not imported (an unfinished Inspect run).</summary>
    public static ModelSet Import(IReadOnlyList<ImportSource> files, ImportSource? metadata, ImportOptions options, ICollection<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(warnings);
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(options);
        Validate(files, options);
        var problems = new ImportProblems();
        var metrics = new List<MetricInfo>();
        var rows = new List<ResultRow>();
        var scales = new Dictionary<string, MetricScale>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            try
            {
                switch (options.Format)
                {
                    case ResultFormat.LmEvalHarness:
                        if (LmEvalResultsReader.Read(file, options.Metrics, PaperMetrics.Describe, problems) is { } row)
                        {
                            rows.Add(row);
                        }

                        break;
                    case ResultFormat.OpenLlmLeaderboardV1:
                    case ResultFormat.OpenLlmLeaderboardV2:
                        rows.AddRange(LeaderboardReader.Read(file, options.Format, options.Scale, metrics, problems));
                        break;
                    case ResultFormat.TidyCsv:
                        rows.AddRange(TidyCsvReader.Read(file, PaperMetrics.Describe, metrics, problems));
                        break;
                    case ResultFormat.EpochBenchmarkingHub:
                        rows.AddRange(EpochHubReader.Read(file, PaperMetrics.Describe, metrics, problems));
                        break;
                    case ResultFormat.EveryEvalEver:
                        rows.AddRange(EveryEvalEverReader.Read(file, options.NormalizeScores, scales, problems));
                        break;
                    case ResultFormat.InspectAi:
                        if (InspectLogReader.Read(file, PaperMetrics.Describe, metrics, warnings, problems) is { } log)
                        {
                            rows.Add(log);
                        }

                        break;
                    default:
                        throw new ObsValidationException("format", options.Format.ToString(), "unknown format");
                }
            }
            catch (ObsValidationException) when (problems.HasAny)
            {
                // A file that cannot be read at all: its problem is recorded; read the others so all are reported.
            }
        }

        // A benchmark missing from one harness file is fine when another file of the same model has it.
        foreach (var row in rows.Where(r => r.Missing.Count > 0))
        {
            foreach (var (metric, problem, taskAbsent) in row.Missing)
            {
                if (!(taskAbsent && options.AllowMissingTasks) && !rows.Any(r => r.Model == row.Model && r.Scores.ContainsKey(metric)))
                {
                    problems.Add(problem.Field, problem.Value, problem.Description);
                }
            }
        }

        // Every Eval Ever scales are known only once every file has declared its own (and shown its values).
        metrics.AddRange(scales.Values.Select(s => s.ToMetric()));
        if (options.Format == ResultFormat.LmEvalHarness)
        {
            metrics.AddRange(options.Metrics.Select(m => PaperMetrics.Describe(m.Name)));
        }

        var meta = new Dictionary<string, ModelMetadata>(StringComparer.Ordinal);
        if (metadata is not null)
        {
            try
            {
                meta = ModelMetadataReader.Read(metadata, problems);
            }
            catch (ObsValidationException) when (problems.HasAny)
            {
            }
        }

        var models = ResultMerger.Merge(rows, options.Duplicates, options.FamilyRules, problems);
        problems.ThrowIfAny();
        if (models.Count == 0)
        {
            throw new ObsValidationException("files", string.Join(", ", files.Select(f => f.Name)), "no models found in the files");
        }

        return new ModelSet(models.Select(m => ApplyMetadata(m, meta, options.FamilyRules)), metrics);
    }

    /// <summary>The metadata file's values win over what the result files say; its family over the rules'.</summary>
    private static ModelRecord ApplyMetadata(ModelRecord m, Dictionary<string, ModelMetadata> meta, FamilyRules rules)
    {
        if (!meta.TryGetValue(m.Name, out var x))
        {
            return m;
        }

        var parameters = x.ParametersB ?? m.ParametersB;
        var tokens = x.TokensT ?? m.TokensT;
        // FLOPs of a harness file were not given by anyone (ModelRecord fills 6·N·D): recompute from new sizes. When the
        // metadata gives no sizes, the record's FLOPs stand (an Epoch CSV states them).
        var flops = x.FlopsE21 ?? (x.ParametersB is null && x.TokensT is null ? m.FlopsE21 : null);
        return new ModelRecord(m.Name, x.Family ?? m.Family ?? rules.Infer(m.Name), parameters, tokens, flops, m.Scores)
        {
            StandardErrors = m.StandardErrors,
            SampleCounts = m.SampleCounts,
            ReleaseDate = x.ReleaseDate ?? m.ReleaseDate,
            Organization = x.Organization ?? m.Organization,
        };
    }

    private static void Validate(IReadOnlyList<ImportSource> files, ImportOptions options)
    {
        var v = new List<FieldViolation>();
        if (files.Count == 0)
        {
            v.Add(new FieldViolation("files", "", "no files to import"));
        }

        foreach (var dup in files.GroupBy(f => f.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            v.Add(new FieldViolation("files", dup.Key, "the same file name twice: errors could not say which is meant"));
        }

        if (options.Format == ResultFormat.LmEvalHarness && options.Metrics.Count == 0)
        {
            v.Add(new FieldViolation("metrics", "", "lm-evaluation-harness results hold many scores per task: choose one per benchmark as task=metric,filter (e.g. gsm8k=exact_match,flexible-extract, mmlu=acc,none)"));
        }

        foreach (var dup in options.Metrics.GroupBy(m => m.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            v.Add(new FieldViolation("metrics", dup.Key, "two selections give the same metric name; rename one with ->Name"));
        }

        if (options.Format == ResultFormat.OpenLlmLeaderboardV2 && options.Scale == ScoreScale.Unspecified)
        {
            v.Add(new FieldViolation("scale", "", "Open LLM Leaderboard v2 exports carry raw (0–1) and normalised (0–100) scores: choose Raw or Normalized"));
        }

        if (v.Count > 0)
        {
            throw new ObsValidationException(v);
        }
    }
}
