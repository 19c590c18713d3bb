using System.Collections.Concurrent;
using System.Text;
using Grpc.Core;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Import;
using ObsScaling.Core.Import.Results;
using ObsScaling.Server.Tests.Errors;
using ObsScaling.Server.Tests.Support;
using Xunit.Abstractions;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Faults;

/// <summary>
/// Damaged files through every importer, then (when they still parse) through ImportModels: an importer either
/// returns a valid model set or throws <see cref="ObsValidationException"/> naming where; the service stores the set
/// or answers INVALID_ARGUMENT. Never another exception, never INTERNAL.
/// </summary>
public class CsvFuzzTests(FuzzServer fuzz, ITestOutputHelper output) : IClassFixture<FuzzServer>
{
    /// <summary>An importer of the core: its name, the file layouts it reads and the samples to damage.</summary>
    internal sealed record Importer(string Name, Func<TextReader, string, ModelSet> Read, Func<IEnumerable<(string Source, string Text)>> Samples);

    private const string SyntheticCsv = """
        Model,Model Family,Model Size (B),Pretraining Data Size (T),FLOPs (1E21),MMLU,ARC-C,"gsm8k_5_exact_match,flexible-extract"
        m1,F,7,2,,0.4,0.5,0.1
        m2,F,13,,156,0.5,,0.2
        m3,G,70,2,840,0.7,0.8,
        "m4, quoted",G,,,,0.3,0.4,0.05
        """;

    /// <summary>Every importer with its samples; a new format (e.g. lm-eval-harness JSON) joins with one line.</summary>
    internal static IReadOnlyList<Importer> Importers { get; } =
    [
        new("paper-csv", (reader, source) => PaperCsvReader.Read(reader, source), () => PaperFiles().Prepend(("synthetic.csv", SyntheticCsv))),
        Results("lm-eval-json", new ImportOptions { Format = ResultFormat.LmEvalHarness, Metrics = [MetricSelection.Parse("gsm8k=exact_match,flexible-extract"), MetricSelection.Parse("mmlu=acc,none")] }, "results_2024-06-11T10-02-13.json", "results_2024-06-12T08-40-55.json"),
        Results("leaderboard-v1-csv", new ImportOptions { Format = ResultFormat.OpenLlmLeaderboardV1 }, "open-llm-leaderboard-v1.csv"),
        Results("leaderboard-v2-csv", new ImportOptions { Format = ResultFormat.OpenLlmLeaderboardV2, Scale = ScoreScale.Raw }, "open-llm-leaderboard-v2.csv"),
        Results("leaderboard-v2-json", new ImportOptions { Format = ResultFormat.OpenLlmLeaderboardV2, Scale = ScoreScale.Normalized }, "open-llm-leaderboard-v2.json"),
        Results("tidy-csv", new ImportOptions { Format = ResultFormat.TidyCsv }, "tidy.csv"),
    ];

    // The importers' own fixtures (real formats, tests/ObsScaling.Core.Tests/Import/Fixtures) as the samples to damage.
    private static Importer Results(string name, ImportOptions options, params string[] fixtures) => new(
        name,
        (reader, source) => ResultImporter.Import([new ImportSource(source, reader.ReadToEnd())], null, options),
        () => fixtures.Select(f => (f, File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", f)))));

    [Fact]
    public async Task Damaged_files_are_read_or_rejected_with_a_validation_error_and_stored_or_rejected_as_invalid_argument()
    {
        var perSample = FaultScale.Cases(100, 3_000);
        var random = new Random(FaultScale.Seed);
        var faults = new ConcurrentQueue<string>();
        var outcomes = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var cases = new List<(Importer Importer, string Source, string Text)>();
        foreach (var importer in Importers)
        {
            foreach (var (source, text) in importer.Samples())
            {
                // The one large file (the post-training table, ~190 KB) gets fewer cases: reading it dominates the time.
                var count = text.Length > 64 * 1024 ? perSample / 5 : perSample;
                cases.AddRange(Enumerable.Range(0, count).Select(_ => (importer, source, Damage(random, text))));
            }
        }

        var imported = 0;
        long readTicks = 0;
        var total = System.Diagnostics.Stopwatch.StartNew();
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (c, _) =>
        {
            ModelSet set;
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                set = c.Importer.Read(new StringReader(c.Text), c.Source);
            }
            catch (ObsValidationException ex)
            {
                Assert.NotEmpty(ex.Violations);
                outcomes.AddOrUpdate($"{c.Importer.Name}: rejected", 1, (_, n) => n + 1);
                return;
            }
            catch (Exception ex)
            {
                faults.Enqueue($"{c.Importer.Name} threw {ex.GetType().Name} ({ex.Message}) on a damaged {c.Source}:\n{c.Text[..Math.Min(400, c.Text.Length)]}");
                return;
            }

            finally
            {
                Interlocked.Add(ref readTicks, System.Diagnostics.Stopwatch.GetElapsedTime(started).Ticks);
            }

            outcomes.AddOrUpdate($"{c.Importer.Name}: read", 1, (_, n) => n + 1);
            if (Interlocked.Increment(ref imported) % 4 != 0 && !FaultScale.Long)
            {
                return; // every fourth readable file goes through the service in the short form
            }

            try
            {
                var answer = await Uploads.ImportAsync(fuzz.Server.Client, "csv-fuzz", set, V1.ImportMode.Replace);
                Assert.Equal(set.Count, answer.Dataset.ModelCount);
                outcomes.AddOrUpdate("ImportModels: OK", 1, (_, n) => n + 1);
            }
            catch (RpcException ex) when (RawCalls.Acceptable.Contains(ex.StatusCode))
            {
                outcomes.AddOrUpdate($"ImportModels: {ex.StatusCode}", 1, (_, n) => n + 1);
            }
            catch (RpcException ex)
            {
                faults.Enqueue($"ImportModels answered {ex.StatusCode} ({ex.Status.Detail}) for a damaged {c.Source}");
            }
        });

        output.WriteLine($"{cases.Count} damaged files (seed {FaultScale.Seed}) in {total.Elapsed.TotalSeconds:F1} s, {TimeSpan.FromTicks(readTicks).TotalSeconds:F1} s of it reading");
        output.WriteLine(string.Join(Environment.NewLine, outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key,-28} {o.Value,6}")));
        Assert.True(faults.IsEmpty, $"{faults.Count} faults, e.g.:\n{string.Join("\n\n", faults.Take(3))}");
        Assert.True(outcomes.Keys.Count(k => k.EndsWith(": rejected", StringComparison.Ordinal)) == Importers.Count, "every importer rejected some damaged files");
        await fuzz.AssertHealthyAsync();
    }

    private static readonly string[] Cells = ["", " ", "NaN", "nan", "Infinity", "-inf", "-1", "0", "-0", "1e400", "1e-320", "0x10", "1,5", "٣", "\"", "\"\"", "\"a\nb\"", "1.5", "0.5 ", "+.5", "1_000", "null", "Model", new string('9', 400)];

    /// <summary>One seeded damage: bytes, a cell, a line or the end of the file.</summary>
    internal static string Damage(Random random, string text)
    {
        var lines = text.Split('\n').ToList();
        switch (random.Next(6))
        {
            case 0:
                return Encoding.UTF8.GetString(Mutations.Any(random, Encoding.UTF8.GetBytes(text)));
            case 1:
            case 2:
                {
                    // A cell replaced (the header's too: columns renamed, emptied, duplicated).
                    var row = random.Next(lines.Count);
                    var cells = lines[row].Split(',');
                    cells[random.Next(cells.Length)] = random.Next(3) == 0 ? cells[random.Next(cells.Length)] : Cells[random.Next(Cells.Length)];
                    lines[row] = string.Join(',', cells);
                    return string.Join('\n', lines);
                }

            case 3:
                {
                    // A line removed, repeated or moved.
                    var row = random.Next(lines.Count);
                    var line = lines[row];
                    switch (random.Next(3))
                    {
                        case 0:
                            lines.RemoveAt(row);
                            break;
                        case 1:
                            lines.Insert(random.Next(lines.Count + 1), line);
                            break;
                        default:
                            lines.RemoveAt(row);
                            lines.Insert(random.Next(lines.Count + 1), line);
                            break;
                    }

                    return string.Join('\n', lines);
                }

            case 4:
                {
                    // A column added or dropped on one line only.
                    var row = random.Next(lines.Count);
                    lines[row] = random.Next(2) == 0 ? lines[row] + "," + Cells[random.Next(Cells.Length)] : lines[row][..Math.Max(0, lines[row].LastIndexOf(','))];
                    return string.Join('\n', lines);
                }

            default:
                return text[..random.Next(text.Length + 1)];
        }
    }

    private static IEnumerable<(string Source, string Text)> PaperFiles()
    {
        if (ObsScaling.Testing.PaperDataDirectory.Path is not { } dir)
        {
            yield break;
        }

        foreach (var file in PaperDatasets.AllFiles)
        {
            yield return (file, File.ReadAllText(Path.Combine(dir, file)));
        }
    }
}
