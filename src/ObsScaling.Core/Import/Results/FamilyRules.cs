using System.Text.RegularExpressions;

namespace ObsScaling.Core.Import.Results;

/// <summary>
/// An ordered list of <see cref="FamilyRule"/>s: the first that matches names the family. The defaults follow the
/// paper's family names for its Hugging Face model IDs (e.g. <c>meta-llama/Llama-2-7b-hf</c> → Llama-2,
/// <c>Qwen/Qwen1.5-7B</c> → Qwen1.5); more specific names come before the names they contain (CodeLlama before
/// Llama-2, Qwen1.5 before Qwen).
/// </summary>
public sealed class FamilyRules
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(200);

    private static readonly (string Pattern, string Family)[] DefaultRules =
    [
        (@"code-?llama", "CodeLlama"),
        (@"tinyllama", "TinyLlama"),
        (@"open_?llama.*v2", "OpenLlamaV2"),
        (@"open_?llama", "OpenLlama"),
        (@"llama-?3\.1", "Llama-3.1"),
        (@"llama-?3\.2", "Llama-3.2"),
        (@"llama-?3(?![.\d])", "Llama-3"),
        (@"llama-?2", "Llama-2"),
        (@"(?:^|/)llama-\d", "Llama"),
        (@"qwen1\.5", "Qwen1.5"),
        (@"qwen2\.5", "Qwen2.5"),
        (@"qwen2", "Qwen2"),
        (@"qwen", "Qwen"),
        (@"mixtral", "Mixtral"),
        (@"mistral", "Mistral"),
        (@"deepseek-coder-v2", "DeepSeek-Coder-V2"),
        (@"deepseek-coder", "DeepSeek-Coder"),
        (@"deepseek-v2", "DeepSeek-V2"),
        (@"deepseek-moe", "DeepSeek-MoE"),
        (@"deepseek-llm", "DeepSeek-LLM"),
        (@"(?:^|/)yi-1\.5", "Yi-1.5"),
        (@"(?:^|/)yi-.*200k", "Yi-200K"),
        (@"(?:^|/)yi-", "Yi"),
        (@"gemma-?2-", "Gemma-2"),
        (@"gemma", "Gemma"),
        (@"jamba", "Jamba"),
        (@"falcon", "Falcon"),
        (@"(?:^|/)phi-", "Phi"),
        (@"pythia", "Pythia"),
        (@"bloom", "BLOOM"),
        (@"gpt-?neo|gpt-j", "GPT-Neo/J"),
        (@"(?:^|/)gpt2", "GPT-2"),
        (@"(?:^|/)opt-\d", "OPT"),
        (@"(?:^|/)mpt-", "MPT"),
        (@"xglm", "XGLM"),
        (@"starcoder2", "StarCoder2"),
        (@"starcoder", "StarCoder"),
        (@"rwkv", "RWKV"),
        (@"cerebras-gpt", "Cerebras-GPT"),
        (@"btlm", "BTLM"),
        (@"codegen", "Codegen"),
        (@"decilm", "DeciLM"),
        (@"h2o-danube", "H2O-Danube"),
        (@"internlm2", "InternLM2"),
        (@"olmo", "OLMo"),
        (@"redpajama-incite-base", "RedPajama-INCITE-Base"),
        (@"smollm", "SmolLM"),
        (@"stablelm", "StableLM"),
        (@"(?:^|/)amber$", "Amber"),
    ];

    public FamilyRules(IEnumerable<FamilyRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        Rules = rules.ToArray();
    }

    public static FamilyRules Default { get; } = new(DefaultRules.Select(r => Rule(r.Pattern, r.Family)));

    /// <summary>No rules: families come only from explicit columns.</summary>
    public static FamilyRules None { get; } = new([]);

    public IReadOnlyList<FamilyRule> Rules { get; }

    /// <summary>The family of the first matching rule, or null.</summary>
    public string? Infer(string model)
    {
        foreach (var r in Rules)
        {
            if (r.Apply(model) is { Length: > 0 } family)
            {
                return family;
            }
        }

        return null;
    }

    /// <summary>These rules tried before <paramref name="fallback"/>'s.</summary>
    public FamilyRules Then(FamilyRules fallback)
    {
        ArgumentNullException.ThrowIfNull(fallback);
        return new FamilyRules(Rules.Concat(fallback.Rules));
    }

    /// <summary>
    /// Rules written one per line as <c>regex =&gt; Family</c>; blank lines and lines starting with <c>#</c> are
    /// skipped. <paramref name="source"/> names the text in errors (a file name, or "familyRules").
    /// </summary>
    public static FamilyRules Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var problems = new ImportProblems();
        var rules = new List<FamilyRule>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed.StartsWith('#'))
            {
                continue;
            }

            var arrow = line.LastIndexOf("=>", StringComparison.Ordinal);
            if (arrow < 0)
            {
                problems.Add(new SourceLocation(source, i + 1, 1), trimmed, "expected 'regex => Family'");
                continue;
            }

            var pattern = line[..arrow].Trim();
            var family = line[(arrow + 2)..].Trim();
            if (pattern.Length == 0 || family.Length == 0)
            {
                problems.Add(new SourceLocation(source, i + 1, 1), trimmed, "both the pattern and the family must be non-empty");
                continue;
            }

            try
            {
                rules.Add(Rule(pattern, family));
            }
            catch (ArgumentException ex)
            {
                problems.Add(new SourceLocation(source, i + 1, line.IndexOf(pattern, StringComparison.Ordinal) + 1), pattern, "not a valid regular expression: " + ex.Message);
            }
        }

        problems.ThrowIfAny();
        return new FamilyRules(rules);
    }

    /// <summary>Parses several rule texts (e.g. one per <c>-FamilyRule</c> argument), each a rule or several lines of them.</summary>
    public static FamilyRules Parse(IEnumerable<string> texts, string field)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var all = new List<FamilyRule>();
        var i = 0;
        foreach (var t in texts)
        {
            all.AddRange(Parse(t, $"{field}[{i++}]").Rules);
        }

        return new FamilyRules(all);
    }

    private static FamilyRule Rule(string pattern, string family) =>
        new(new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, MatchTimeout), family);
}

