using System.Collections;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Rpc;
using Grpc.Core;
using ObsScaling.Server.Hosting;
using ObsScaling.Server.Tests.Errors;
using Xunit.Abstractions;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Faults;

/// <summary>
/// Names and other strings holding control characters, in every string field of a valid request of every method:
/// each is refused as INVALID_ARGUMENT naming the field, before it can become a resource, a stored name or a log line.
/// </summary>
public class NameFaultTests(FuzzServer fuzz, ITestOutputHelper output) : IClassFixture<FuzzServer>
{
    [Fact]
    public async Task A_trailing_newline_does_not_escape_the_resource_name_scheme()
    {
        var client = fuzz.Server.Client;

        // The attack: create datasets/abc\n, then delete the name the server returns, which was datasets/abc.
        await Rpc.InvalidAsync(() => Rpc.ImportRawAsync(client, Rpc.Import("fuzz-spare\n", [Rpc.Metric("a")], Rpc.Model("m", "f", ("a", 0.5)))), "messages[0].header.dataset", "fuzz-spare\\n");
        await Rpc.InvalidAsync(() => client.DeleteDatasetAsync(new V1.DeleteDatasetRequest { Name = "datasets/fuzz-spare\n", Force = true }).ResponseAsync, "name", "datasets/fuzz-spare\\n");
        await Rpc.InvalidAsync(() => client.GetFitAsync(new V1.GetFitRequest { Name = "datasets/fuzz/fits/law\n" }).ResponseAsync, "name", "datasets/fuzz/fits/law\\n");
        Assert.Equal("datasets/fuzz-spare", (await client.GetDatasetAsync(new V1.GetDatasetRequest { Name = "datasets/fuzz-spare" })).Name);
    }

    [Theory]
    [InlineData("abc\n")]
    [InlineData("datasets/abc\n")]
    [InlineData("datasets/abc/fits/law\n")]
    [InlineData("ledgers/abc\n")]
    [InlineData("ledgers/abc/entries/1\n")]
    public void The_id_patterns_match_the_whole_string(string name)
    {
        // Without the control-character check in front, the patterns alone still refuse a final line break
        // ($ in .NET matches before a final \n; \z does not).
        Assert.Throws<ObsScaling.Core.Domain.ObsValidationException>(() => name switch
        {
            _ when name.StartsWith("datasets/", StringComparison.Ordinal) && name.Contains("/fits/", StringComparison.Ordinal) => (object)Storage.ResourceName.ParseFit("name", name),
            _ when name.StartsWith("datasets/", StringComparison.Ordinal) => Storage.ResourceName.ParseDataset("name", name),
            _ when name.Contains("/entries/", StringComparison.Ordinal) => Storage.ResourceName.ParseLedgerEntry("name", name),
            _ when name.StartsWith("ledgers/", StringComparison.Ordinal) => Storage.ResourceName.ParseLedger("name", name),
            _ => Storage.ResourceName.RequireId("name", name),
        });
    }

    [Fact]
    public async Task Every_string_field_of_every_method_refuses_control_characters()
    {
        var cases = 0;
        var faults = new List<string>();
        foreach (var (method, valid) in fuzz.ValidRequests.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            var descriptor = V1.ObsscalingReflection.Descriptor.Services.Single().FindMethodByName(method);
            var streamed = descriptor.IsClientStreaming;
            for (var m = 0; m < valid.Length; m++)
            {
                var parsed = descriptor.InputType.Parser.ParseFrom(valid[m]);
                foreach (var path in StringPaths(parsed, ""))
                {
                    foreach (var bad in new[] { "\n", "\u001b[31m", "\0", "\u2028" })
                    {
                        if (bad == "\n" && (path.EndsWith("note", StringComparison.Ordinal) || path.EndsWith("title", StringComparison.Ordinal)))
                        {
                            continue;
                        }

                        cases++;
                        var messages = valid.ToArray();
                        var damaged = descriptor.InputType.Parser.ParseFrom(valid[m]);
                        Append(damaged, path, bad);
                        messages[m] = damaged.ToByteArray();
                        var field = streamed ? $"messages[{m}].{path}" : path;

                        // A map key is named with the (escaped) key sent.
                        var isMapKey = path.EndsWith(']') && !path[(path.LastIndexOf('[') + 1)..^1].All(char.IsDigit);
                        var expected = isMapKey ? field[..field.LastIndexOf('[')] + "[" + RequestText.Escape(path[(path.LastIndexOf('[') + 1)..^1] + bad) + "]" : field;
                        var failure = await RawCalls.FailureAsync(fuzz.Server.Channel.CreateCallInvoker(), method, messages, TimeSpan.FromSeconds(5));
                        var status = failure?.Status ?? global::Grpc.Core.Status.DefaultSuccess;
                        var details = failure?.StatusCode == StatusCode.InvalidArgument ? failure.GetRpcStatus()?.GetDetail<BadRequest>() : null;
                        if (details?.FieldViolations.Any(v => v.Field == expected && v.Description.Contains("control characters", StringComparison.Ordinal) && !v.Description.Any(ch => RequestText.IsControl(ch))) != true)
                        {
                            faults.Add($"{method} {field} += {RequestText.Escape(bad)}: {status.StatusCode} {RequestText.Escape(status.Detail)}");
                        }
                    }
                }
            }
        }

        output.WriteLine($"{cases} requests with a control character in one string field, over {fuzz.ValidRequests.Count} methods");
        Assert.True(cases > 100, $"only {cases} cases: the walk found too few string fields");
        Assert.True(faults.Count == 0, $"{faults.Count} of {cases} not refused by field:\n{string.Join('\n', faults.Take(10))}");
        await fuzz.AssertHealthyAsync();
    }

    [Fact]
    public void Log_and_error_text_shows_control_characters_as_escapes()
    {
        Assert.Equal("abc\\n[ERROR] forged", RequestText.Escape("abc\n[ERROR] forged"));
        Assert.Equal("a\\u001b[31mb\\u0000", RequestText.Escape("a\u001b[31mb\0"));
        Assert.Equal("plain", RequestText.Escape("plain"));
    }

    /// <summary>Paths of the string fields set in the message ("header.dataset", "models[2]", "values[bench-1]" for map keys).</summary>
    private static IEnumerable<string> StringPaths(IMessage message, string prefix)
    {
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            var value = field.Accessor.GetValue(message);
            if (field.IsMap)
            {
                foreach (DictionaryEntry entry in (IDictionary)value)
                {
                    if (entry.Key is string key)
                    {
                        yield return $"{prefix}{field.Name}[{key}]";
                    }
                }
            }
            else if (field.IsRepeated)
            {
                var i = 0;
                foreach (var item in (IList)value)
                {
                    if (item is string)
                    {
                        yield return $"{prefix}{field.Name}[{i}]";
                    }
                    else if (item is IMessage nested)
                    {
                        foreach (var p in StringPaths(nested, $"{prefix}{field.Name}[{i}]."))
                        {
                            yield return p;
                        }
                    }

                    i++;
                }
            }
            else if (field.FieldType == FieldType.String && value is string s && s.Length > 0)
            {
                yield return prefix + field.Name;
            }
            else if (value is IMessage nested)
            {
                foreach (var p in StringPaths(nested, prefix + field.Name + "."))
                {
                    yield return p;
                }
            }
        }
    }

    /// <summary>Appends to the string at the path (for a map key, renames the key).</summary>
    private static void Append(IMessage message, string path, string suffix)
    {
        var dot = path.IndexOf('.', StringComparison.Ordinal);
        var bracket = path.IndexOf('[', StringComparison.Ordinal);
        var head = path[..(dot < 0 ? (bracket < 0 ? path.Length : bracket) : (bracket >= 0 && bracket < dot ? bracket : dot))];
        var field = message.Descriptor.FindFieldByName(head);
        var rest = path[head.Length..];
        if (field.IsMap)
        {
            var key = rest[1..rest.IndexOf(']', StringComparison.Ordinal)];
            var map = (IDictionary)field.Accessor.GetValue(message);
            var v = map[key];
            map.Remove(key);
            map[key + suffix] = v;
        }
        else if (field.IsRepeated)
        {
            var close = rest.IndexOf(']', StringComparison.Ordinal);
            var index = int.Parse(rest[1..close], System.Globalization.CultureInfo.InvariantCulture);
            var list = (IList)field.Accessor.GetValue(message);
            if (list[index] is string s)
            {
                list[index] = s + suffix;
            }
            else
            {
                Append((IMessage)list[index]!, rest[(close + 2)..], suffix);
            }
        }
        else if (rest.Length == 0)
        {
            field.Accessor.SetValue(message, (string)field.Accessor.GetValue(message) + suffix);
        }
        else
        {
            Append((IMessage)field.Accessor.GetValue(message), rest[1..], suffix);
        }
    }
}
