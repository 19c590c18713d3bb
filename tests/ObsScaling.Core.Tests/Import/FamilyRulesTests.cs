using ObsScaling.Core.Domain;
using ObsScaling.Core.Import;
using ObsScaling.Core.Import.Results;
using ObsScaling.Core.Tests.Support;
using static ObsScaling.Core.Tests.Import.ResultFixtures;

namespace ObsScaling.Core.Tests.Import;

public class FamilyRulesTests
{
    [Theory]
    [InlineData("meta-llama/Llama-2-7b-hf", "Llama-2")]
    [InlineData("meta-llama/Meta-Llama-3.1-8B", "Llama-3.1")]
    [InlineData("meta-llama/Meta-Llama-3-8B", "Llama-3")]
    [InlineData("codellama/CodeLlama-7b-hf", "CodeLlama")]
    [InlineData("Qwen/Qwen1.5-7B", "Qwen1.5")]
    [InlineData("Qwen/Qwen-7B", "Qwen")]
    [InlineData("mistralai/Mistral-7B-v0.1", "Mistral")]
    [InlineData("mistralai/Mixtral-8x7B-v0.1", "Mixtral")]
    [InlineData("unknown-org/some-model", null)]
    public void Default_rules_follow_the_papers_family_names(string model, string? family) =>
        Assert.Equal(family, FamilyRules.Default.Infer(model));

    [SkippableFact]
    public void Default_rules_reproduce_every_family_of_the_papers_base_models()
    {
        Skip.IfNot(PaperData.Available, PaperData.SkipReason);
        var wrong = new List<string>();
        var count = 0;
        foreach (var file in new[] { PaperDatasets.BaseBenchmarkFile, "base_llm_benchmark_eval_sub_10b.csv", "base_llm_emergent_capability_eval.csv" })
        {
            using var reader = File.OpenText(Path.Combine(PaperData.Directory!, file));
            foreach (var m in PaperCsvReader.Read(reader, file).Models)
            {
                if (m.Family is null)
                {
                    continue;
                }

                count++;
                if (FamilyRules.Default.Infer(m.Name) != m.Family)
                {
                    wrong.Add($"{m.Name}: {FamilyRules.Default.Infer(m.Name)} ≠ {m.Family}");
                }
            }
        }

        Assert.True(count > 100);
        Assert.Empty(wrong);
    }

    [Fact]
    public void Rules_from_a_file_come_first_and_may_use_groups()
    {
        var rules = FamilyRules.Parse(Text(RulesFile), RulesFile).Then(FamilyRules.Default);
        Assert.Equal("Acme-7B", rules.Infer("acme/base-7b"));
        Assert.Equal("TinyThings", rules.Infer("HuggingFaceTB/SmolLM-135M"));
        Assert.Equal("Llama-2", rules.Infer("meta-llama/Llama-2-7b-hf"));
        var set = ResultImporter.Import([Source(Tidy)], null, new ImportOptions { Format = ResultFormat.TidyCsv, FamilyRules = rules });
        Assert.Equal(["Acme-1B", "Acme-7B"], set.Models.Select(m => m.Family));
    }

    [Fact]
    public void An_explicit_family_column_wins_over_the_rules()
    {
        var rules = FamilyRules.Parse(Text(RulesFile), RulesFile);
        var set = ResultImporter.Import([Source(Tidy)], Source(TidyMetadata), new ImportOptions { Format = ResultFormat.TidyCsv, FamilyRules = rules });
        Assert.Equal(["Acme", "Acme"], set.Models.Select(m => m.Family));
    }

    [Fact]
    public void Bad_rules_are_named_by_line()
    {
        var ex = Assert.ThrowsAny<ObsValidationException>(() => FamilyRules.Parse("# ok\nllama => Llama\n(unclosed => X\nno arrow here\n", "rules.txt"));
        Assert.Equal(["rules.txt:3:1", "rules.txt:4:1"], ex.Violations.Select(v => v.Field));
        Assert.Contains("not a valid regular expression", ex.Violations[0].Description, StringComparison.Ordinal);
    }
}
