using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Import.Results;
using ZstdSharp;

namespace ObsScaling.Core.Tests.Import;

/// <summary>
/// Inspect AI logs written from the EvalLog layout: <c>.json</c> with bare NaN/Infinity, <c>.eval</c> zips with
/// deflate and with Zstandard members (method 93, several frames, a Zip64 extra field), an unfinished run without
/// header.json, and a cancelled run that is skipped with a warning.
/// </summary>
public class InspectLogImportTests
{
    private static readonly ImportOptions Inspect = new() { Format = ResultFormat.InspectAi };

    private static string Log(string model, string task, double accuracy, string stderr, string status = "success") => $$$"""
        {
          "version": 2,
          "status": "{{{status}}}",
          "eval": {"eval_id": "e1", "run_id": "r1", "created": "2026-04-02T10:00:00+00:00", "task": "{{{task}}}", "task_version": 0,
                   "dataset": {"name": "gpqa", "samples": 198}, "model": "{{{model}}}", "config": {"epochs": 1} },
          "plan": {"name": "plan", "steps": [{"solver": "generate", "params": {"temperature": NaN} }]},
          "results": {
            "total_samples": 198, "completed_samples": 198,
            "scores": [
              {"name": "choice", "scorer": "choice", "reducer": null, "params": {},
               "metrics": {"accuracy": {"name": "accuracy", "value": {{{accuracy.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}, "params": {}},
                           "stderr": {"name": "stderr", "value": {{{stderr}}}, "params": {} } } },
              {"name": "other", "scorer": "other", "metrics": {"accuracy": {"name": "accuracy", "value": 0.01} } }
            ]
          },
          "stats": {"started_at": "2026-04-02T10:00:00+00:00", "completed_at": "2026-04-02T10:20:00+00:00", "model_usage": {"x": {"input_tokens": Infinity} } },
          "samples": [{"id": 1, "epoch": 1, "scores": {"choice": {"value": "C", "answer": "A"} }, "metadata": {"w": -Infinity} }]
        }
        """;

    private static ImportSource File(string name, byte[] bytes) => new(name, "") { Bytes = bytes };

    [Fact]
    public void A_json_log_with_bare_non_finite_numbers_gives_the_first_scorers_accuracy()
    {
        var set = ResultImporter.Import([File("a.json", Encoding.UTF8.GetBytes(Log("hf/Qwen/Qwen2.5-7B-Instruct", "inspect_evals/gpqa_diamond", 0.36, "0.034")))], null, Inspect);
        var m = Assert.Single(set.Models);
        Assert.Equal("hf/Qwen/Qwen2.5-7B-Instruct", m.Name);
        Assert.Equal(0.36, m.Score("inspect_evals/gpqa_diamond"));
        Assert.Equal(0.034, m.StandardErrors["inspect_evals/gpqa_diamond"]);
        Assert.Equal(198, m.SampleCounts["inspect_evals/gpqa_diamond"]);
    }

    [Fact]
    public void Eval_zips_with_deflate_and_zstd_members_read_header_json_and_round_trip_with_a_tidy_csv()
    {
        var deflate = Zip(("header.json", Log("openai/gpt-4o-2024-08-06", "inspect_evals/gpqa_diamond", 0.51, "0.035"), 8, false));
        var zstd = Zip(("_journal/start.json", "{}", 93, false), ("header.json", Log("hf/Qwen/Qwen2.5-7B-Instruct", "inspect_evals/gpqa_diamond", 0.36, "NaN"), 93, true));
        var set = ResultImporter.Import([File("a.eval", deflate), File("b.eval", zstd)], null, Inspect);
        Assert.Equal(0.51, set[0].Score("inspect_evals/gpqa_diamond"));
        Assert.False(set[1].StandardErrors.ContainsKey("inspect_evals/gpqa_diamond")); // NaN stderr: unknown
        var tidy = ResultImporter.Import(
            [new ImportSource("t.csv", "model,benchmark,value,stderr\nopenai/gpt-4o-2024-08-06,inspect_evals/gpqa_diamond,0.51,0.035\nhf/Qwen/Qwen2.5-7B-Instruct,inspect_evals/gpqa_diamond,0.36,\n")],
            null, new ImportOptions { Format = ResultFormat.TidyCsv });
        Assert.Equal(Describe(tidy), Describe(set));
    }

    [Fact]
    public void A_cancelled_run_is_skipped_with_a_warning_naming_the_file()
    {
        var warnings = new List<string>();
        var set = ResultImporter.Import(
            [File("ok.json", Encoding.UTF8.GetBytes(Log("m", "t", 0.5, "0.01"))), File("stopped.json", Encoding.UTF8.GetBytes(Log("m2", "t", 0.9, "0.01", "cancelled")))],
            null, Inspect, warnings);
        Assert.Equal(["m"], set.Models.Select(m => m.Name));
        Assert.StartsWith("stopped.json: status 'cancelled', not imported", Assert.Single(warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void An_archive_without_header_json_or_a_broken_one_is_refused_naming_the_file()
    {
        var unfinished = Zip(("_journal/start.json", "{}", 93, false), ("samples/1_epoch_1.json", "{}", 93, false));
        var ex = Assert.ThrowsAny<ObsValidationException>(() => ResultImporter.Import([File("run.eval", unfinished)], null, Inspect));
        var v = Assert.Single(ex.Violations);
        Assert.Equal("run.eval:1:1", v.Field);
        Assert.Contains("no header.json", v.Description, StringComparison.Ordinal);

        var good = Zip(("header.json", Log("m", "t", 0.5, "0.01"), 93, false));
        ex = Assert.ThrowsAny<ObsValidationException>(() => ResultImporter.Import([File("cut.eval", good[..(good.Length - 30)])], null, Inspect));
        Assert.Equal("cut.eval:1:1", Assert.Single(ex.Violations).Field);

        var badJson = Zip(("header.json", "{\"status\": \"success\",\n \"eval\": {", 8, false));
        ex = Assert.ThrowsAny<ObsValidationException>(() => ResultImporter.Import([File("j.eval", badJson)], null, Inspect));
        Assert.StartsWith("j.eval/header.json:2:", Assert.Single(ex.Violations).Field, StringComparison.Ordinal);
    }

    /// <summary>A zip as Inspect writes it; zstd members are split into two frames, optionally with a Zip64 extra field.</summary>
    private static byte[] Zip(params (string Name, string Text, int Method, bool Zip64)[] members)
    {
        using var zip = new MemoryStream();
        var central = new MemoryStream();
        foreach (var (name, text, method, zip64) in members)
        {
            var raw = Encoding.UTF8.GetBytes(text);
            byte[] data;
            if (method == 8)
            {
                using var d = new MemoryStream();
                using (var deflate = new DeflateStream(d, CompressionLevel.Optimal, leaveOpen: true))
                {
                    deflate.Write(raw);
                }

                data = d.ToArray();
            }
            else
            {
                using var compressor = new Compressor(3);
                var half = raw.Length / 2;
                data = [.. compressor.Wrap(raw.AsSpan(0, half)).ToArray(), .. compressor.Wrap(raw.AsSpan(half)).ToArray()];
            }

            var offset = (uint)zip.Position;
            var nameBytes = Encoding.UTF8.GetBytes(name);
            var extra = zip64 ? Zip64Extra(raw.Length, data.Length) : [];
            zip.Write(Header(0x04034b50, method, data.Length, raw.Length, nameBytes, extra, null, zip64));
            zip.Write(data);
            central.Write(Header(0x02014b50, method, data.Length, raw.Length, nameBytes, extra, offset, zip64));
        }

        var cdOffset = (uint)zip.Position;
        var cd = central.ToArray();
        zip.Write(cd);
        var end = new byte[22];
        BinaryPrimitives.WriteUInt32LittleEndian(end, 0x06054b50);
        BinaryPrimitives.WriteUInt16LittleEndian(end.AsSpan(8), (ushort)members.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(end.AsSpan(10), (ushort)members.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(end.AsSpan(12), (uint)cd.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(end.AsSpan(16), cdOffset);
        zip.Write(end);
        return zip.ToArray();
    }

    private static byte[] Zip64Extra(long size, long compressed)
    {
        var e = new byte[20];
        BinaryPrimitives.WriteUInt16LittleEndian(e, 1);
        BinaryPrimitives.WriteUInt16LittleEndian(e.AsSpan(2), 16);
        BinaryPrimitives.WriteInt64LittleEndian(e.AsSpan(4), size);
        BinaryPrimitives.WriteInt64LittleEndian(e.AsSpan(12), compressed);
        return e;
    }

    private static byte[] Header(uint signature, int method, int compressed, int size, byte[] name, byte[] extra, uint? offset, bool zip64)
    {
        var central = offset is not null;
        var h = new byte[(central ? 46 : 30) + name.Length + extra.Length];
        var p = central ? 2 : 0; // the central header has "version made by" before the shared fields
        BinaryPrimitives.WriteUInt32LittleEndian(h, signature);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(4 + p), zip64 ? (ushort)45 : (ushort)20);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(8 + p), (ushort)method);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(18 + p), zip64 ? 0xFFFFFFFF : (uint)compressed);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(22 + p), zip64 ? 0xFFFFFFFF : (uint)size);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(26 + p), (ushort)name.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(28 + p), (ushort)extra.Length);
        if (central)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(42), offset!.Value);
        }

        name.CopyTo(h, central ? 46 : 30);
        extra.CopyTo(h, (central ? 46 : 30) + name.Length);
        return h;
    }

    private static string Describe(ModelSet set) => string.Join("\n", set.Models.Select(m =>
        $"{m.Name}|" + string.Join(";", m.Scores.Select(s => $"{s.Key}={s.Value}")) + "|" + string.Join(";", m.StandardErrors.Select(s => $"{s.Key}={s.Value}"))));
}
