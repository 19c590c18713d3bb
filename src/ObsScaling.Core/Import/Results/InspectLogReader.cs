using System.Text;
using System.Text.Json;
using ObsScaling.Core.Domain;

namespace ObsScaling.Core.Import.Results;

/// <summary>
/// Reads an Inspect AI eval log: a <c>.eval</c> zip (its <c>header.json</c>, the log without samples) or a
/// <c>.json</c> log (the whole EvalLog, bare NaN/Infinity allowed). The model is <c>eval.model</c> kept whole
/// (<c>openai/gpt-4o-2024-08-06</c>, <c>hf/Qwen/Qwen2.5-7B-Instruct</c>: the provider is part of what was run), the
/// metric <c>eval.task</c>, the score the first scorer's <c>metrics.accuracy.value</c> with SE
/// <c>metrics.stderr.value</c> and <c>results.completed_samples</c>. Only <c>status: "success"</c> logs are results:
/// any other status is skipped with a warning, since its results cover only the samples that finished.
/// </summary>
internal static class InspectLogReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    public static ResultRow? Read(ImportSource source, Func<string, MetricInfo> describe, List<MetricInfo> metrics, ICollection<string> warnings, ImportProblems problems)
    {
        var log = source;
        if (source.Bytes is { } bytes && EvalArchive.IsZip(bytes))
        {
            byte[]? header;
            try
            {
                header = EvalArchive.Read(bytes, "header.json");
            }
            catch (Exception ex) when (ex is InvalidDataException or OverflowException or ZstdSharp.ZstdException or ArgumentOutOfRangeException)
            {
                throw problems.Fatal(new SourceLocation(source.Name, 1, 1), "", "not a readable .eval archive: " + ex.Message);
            }

            if (header is null)
            {
                throw problems.Fatal(new SourceLocation(source.Name, 1, 1), "", "no header.json in the archive: a run that never finished (only its journal and samples), so it has no results");
            }

            log = new ImportSource(source.Name + "/header.json", Utf8(header, source.Name + "/header.json", problems));
        }
        else if (source.Bytes is { } text)
        {
            log = new ImportSource(source.Name, Utf8(text, source.Name, problems));
        }

        var json = JsonText.Parse(log, problems);
        var root = json.Values[0];
        if (json.Values.Count > 1 || root.Kind != JsonValueKind.Object || root["eval"] is not { Kind: JsonValueKind.Object } eval)
        {
            problems.Add(json.Locate(root), root.Raw, "expected an Inspect AI EvalLog (an object with \"eval\")");
            return null;
        }

        var status = root["status"]?.String;
        if (status != "success")
        {
            warnings.Add($"{source.Name}: status '{status ?? "(none)"}', not imported (only a successful run's results are results)");
            return null;
        }

        if (eval["model"] is not { Kind: JsonValueKind.String, String: { Length: > 0 } model } || eval["task"] is not { Kind: JsonValueKind.String, String: { Length: > 0 } task })
        {
            var at = eval["model"] is { Kind: JsonValueKind.String } ? eval["task"] ?? eval : eval["model"] ?? eval;
            problems.Add(json.Locate(at), at.Raw, "\"eval.model\" and \"eval.task\" must be non-empty strings");
            return null;
        }

        var results = root["results"];
        var first = results?["scores"]?.Items is { Count: > 0 } scores ? scores[0] : null;
        var accuracy = first?["metrics"]?["accuracy"]?["value"];
        if (accuracy is not { Kind: JsonValueKind.Number } || !double.IsFinite(accuracy.Number))
        {
            var at = accuracy ?? first ?? results ?? root;
            problems.Add(json.Locate(at), at.Raw, "the first scorer's \"metrics.accuracy.value\" must be a finite number (results.scores[0])");
            return null;
        }

        var info = metrics.FirstOrDefault(m => m.Name == task);
        if (info is null)
        {
            info = describe(task);
            metrics.Add(info);
        }

        var scoreAt = json.Locate(accuracy);
        if (!info.Contains(accuracy.Number))
        {
            problems.Add(scoreAt, accuracy.Raw, $"accuracy of '{task}' is outside [{CellValues.Format(info.Min)}, {CellValues.Format(info.Max)}]");
            return null;
        }

        var row = new ResultRow(model, json.Locate(root));
        row.Scores[task] = (accuracy.Number, scoreAt);
        // A NaN stderr (one sample, or an epoch reducer without one) is an unknown uncertainty, not an error.
        if (first!["metrics"]?["stderr"]?["value"] is { Kind: JsonValueKind.Number } se && double.IsFinite(se.Number) && se.Number >= 0)
        {
            row.StandardErrors[task] = se.Number;
        }

        if (results!["completed_samples"] is { Kind: JsonValueKind.Number } n && n.Number >= 1 && n.Number == Math.Floor(n.Number))
        {
            row.SampleCounts[task] = (long)n.Number;
        }

        return row;
    }

    private static string Utf8(byte[] bytes, string name, ImportProblems problems)
    {
        try
        {
            return StrictUtf8.GetString(bytes).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException ex)
        {
            throw problems.Fatal(new SourceLocation(name, 1, 1), $"byte {ex.Index}", "not UTF-8 JSON");
        }
    }
}
