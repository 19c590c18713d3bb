using ObsScaling.Core.Domain;
using ObsScaling.Core.Import.Results;
using static ObsScaling.Core.Tests.Import.ResultFixtures;

namespace ObsScaling.Core.Tests.Import;

public class LmEvalImportTests
{
    private static readonly MetricSelection[] Selection =
    [
        MetricSelection.Parse("gsm8k=exact_match,flexible-extract->GSM8K"),
        MetricSelection.Parse("mmlu=acc,none->MMLU"),
        MetricSelection.Parse("arc_challenge=acc_norm,none->ARC-C"),
    ];

    private static ModelSet Import(params string[] files) =>
        ResultImporter.Import(files.Select(Source).ToList(), null, new ImportOptions { Format = ResultFormat.LmEvalHarness, Metrics = Selection });

    private static ObsValidationException Fails(ImportOptions options, params string[] files) =>
        Assert.ThrowsAny<ObsValidationException>(() => ResultImporter.Import(files.Select(Source).ToList(), null, options));

    [Fact]
    public void Several_results_files_become_one_dataset_with_the_chosen_metric_and_filter()
    {
        var set = Import(Llama2, Qwen15);
        Assert.Equal(["meta-llama/Llama-2-7b-hf", "Qwen/Qwen1.5-7B"], set.Models.Select(m => m.Name));
        var llama = set[0];
        Assert.Equal(0.14480667172100076, llama.Score("GSM8K")); // flexible-extract, not strict-match's 0.1357
        Assert.Equal(0.4379609636092418, llama.Score("MMLU"));
        Assert.Equal(0.5307167235494881, llama.Score("ARC-C")); // acc_norm
        Assert.Equal(6.738415616, llama.ParametersB!.Value, 12);
        Assert.Equal("Llama-2", llama.Family);
        Assert.Equal("Qwen1.5", set[1].Family);
        Assert.Equal(0.5511751326762699, set[1].Score("GSM8K"));
        Assert.Equal(["GSM8K", "MMLU", "ARC-C"], set.MetricOrder.ToArray());
        Assert.Equal(0.25, set.Metrics["ARC-C"].Chance); // described like the paper's column of that name
    }

    [Fact]
    public void The_metric_name_defaults_to_the_task()
    {
        var set = ResultImporter.Import([Source(Llama2)], null, new ImportOptions
        {
            Format = ResultFormat.LmEvalHarness,
            Metrics = [MetricSelection.Parse("gsm8k=exact_match,strict-match")],
        });
        Assert.Equal(0.1357088703563306, set[0].Score("gsm8k"));
    }

    [Fact]
    public void A_missing_metric_key_names_the_file_the_task_and_the_keys_that_exist()
    {
        var ex = Fails(new ImportOptions { Format = ResultFormat.LmEvalHarness, Metrics = Selection }, MistralOld);
        var v = Assert.Single(ex.Violations, x => x.Value == "exact_match,flexible-extract");
        Assert.Equal($"{MistralOld}:3:14", v.Field);
        Assert.Contains("task 'gsm8k' has no score 'exact_match,flexible-extract'; it has: exact_match,get-answer", v.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_task_lists_the_tasks_in_the_file()
    {
        var ex = Fails(new ImportOptions { Format = ResultFormat.LmEvalHarness, Metrics = [MetricSelection.Parse("hellaswag=acc_norm,none")] }, Llama2);
        var v = Assert.Single(ex.Violations);
        Assert.Equal($"{Llama2}:2:14", v.Field);
        Assert.Contains("the file has: gsm8k, mmlu, mmlu_abstract_algebra, arc_challenge", v.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void A_benchmark_missing_from_one_run_is_taken_from_another_run_of_the_same_model()
    {
        var gsmOnly = new ImportSource("gsm8k_run.json", """
            {"results": {"gsm8k": {"exact_match,flexible-extract": 0.2, "alias": "gsm8k"}},
             "config": {"model_args": "pretrained=EleutherAI/pythia-12b-deduped"}}
            """);
        var mmluOnly = new ImportSource("mmlu_run.json", """
            {"results": {"mmlu": {"acc,none": 0.27}}, "model_name": "EleutherAI/pythia-12b-deduped"}
            """);
        var options = new ImportOptions { Format = ResultFormat.LmEvalHarness, Metrics = Selection[..2] };
        var set = ResultImporter.Import([gsmOnly, mmluOnly], null, options);
        var m = Assert.Single(set.Models);
        Assert.Equal(0.2, m.Score("GSM8K"));
        Assert.Equal(0.27, m.Score("MMLU"));
        Assert.Equal("Pythia", m.Family);
    }

    [Fact]
    public void Invalid_json_reports_line_and_column()
    {
        var ex = Fails(new ImportOptions { Format = ResultFormat.LmEvalHarness, Metrics = Selection }, BadSyntax);
        var v = Assert.Single(ex.Violations);
        Assert.Equal($"{BadSyntax}:5:7", v.Field);
        Assert.StartsWith("not valid JSON", v.Description, StringComparison.Ordinal);
        Assert.StartsWith("\"acc_stderr,none\"", v.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_types_and_out_of_range_scores_are_all_reported_at_their_positions()
    {
        var ex = Fails(new ImportOptions { Format = ResultFormat.LmEvalHarness, Metrics = Selection[..2] }, StringScore);
        Assert.Equal(2, ex.Violations.Count);
        Assert.Equal($"{StringScore}:5:39", ex.Violations[0].Field);
        Assert.Equal("0.12", ex.Violations[0].Value);
        Assert.Contains("is a string, expected a number", ex.Violations[0].Description, StringComparison.Ordinal);
        Assert.Equal($"{StringScore}:9:19", ex.Violations[1].Field);
        Assert.Contains("outside [0, 1]", ex.Violations[1].Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Problems_in_several_files_are_reported_together()
    {
        var ex = Fails(new ImportOptions { Format = ResultFormat.LmEvalHarness, Metrics = Selection[..2] }, BadSyntax, StringScore, Llama2);
        Assert.Equal(3, ex.Violations.Count);
        Assert.Contains(ex.Violations, v => v.Field.StartsWith(BadSyntax, StringComparison.Ordinal));
    }

    [Fact]
    public void Options_are_required_not_guessed()
    {
        var ex = Fails(new ImportOptions { Format = ResultFormat.LmEvalHarness }, Llama2);
        Assert.Equal("metrics", Assert.Single(ex.Violations).Field);
        Assert.Throws<ObsValidationException>(() => MetricSelection.Parse("mmlu=acc"));
        Assert.Throws<ObsValidationException>(() => MetricSelection.Parse("mmlu"));
        Assert.Equal(new MetricSelection("mmlu", "acc", "none", "MMLU"), MetricSelection.Parse(" mmlu = acc,none -> MMLU "));
    }

    [Fact]
    public void A_json_file_of_another_shape_is_rejected()
    {
        var ex = Fails(new ImportOptions { Format = ResultFormat.LmEvalHarness, Metrics = Selection }, V2Json);
        var v = Assert.Single(ex.Violations);
        Assert.Equal($"{V2Json}:1:1", v.Field);
        Assert.Contains("expected one JSON object", v.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Allowing_missing_tasks_leaves_a_gap_but_a_missing_key_still_fails()
    {
        var options = new ImportOptions { Format = ResultFormat.LmEvalHarness, Metrics = [.. Selection, MetricSelection.Parse("hellaswag=acc_norm,none")] };
        Assert.Single(Fails(options, Llama2).Violations);
        var set = ResultImporter.Import([Source(Llama2)], null, options with { AllowMissingTasks = true });
        Assert.True(double.IsNaN(set[0].Score("hellaswag")));
        Assert.True(set.Metrics.ContainsKey("hellaswag"));
        Assert.Single(Fails(options with { AllowMissingTasks = true }, MistralOld).Violations); // gsm8k is there, without flexible-extract
    }
}
