using System.Text;
using System.Text.Json;

namespace ObsScaling.Core.Import.Results;

/// <summary>
/// Parses JSON with <see cref="Utf8JsonReader"/> into <see cref="JsonNode"/>s that keep their byte offsets, and maps
/// offsets back to line and column. Python's <c>json</c> module writes bare <c>NaN</c>/<c>Infinity</c> (the
/// harness does for some standard errors); they are read as strings of the same length, so a file is not rejected
/// for a value nobody asked for, and an asked-for one is reported as not a number.
/// </summary>
internal sealed class JsonText
{
    private readonly byte[] _bytes;
    private readonly List<long> _lineStarts = [0];

    private JsonText(string source, byte[] bytes)
    {
        Source = source;
        _bytes = bytes;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                _lineStarts.Add(i + 1);
            }
        }
    }

    public string Source { get; }

    /// <summary>The top-level values: one for a JSON document, several for JSON Lines.</summary>
    public List<JsonNode> Values { get; } = [];

    public static JsonText Parse(ImportSource source, ImportProblems problems)
    {
        ArgumentNullException.ThrowIfNull(source);
        var text = source.Text.Length > 0 && source.Text[0] == '\uFEFF' ? source.Text[1..] : source.Text;
        var original = Encoding.UTF8.GetBytes(text);
        var json = new JsonText(source.Name, original);
        var bytes = MaskNonFinite(original);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { AllowMultipleValues = true, CommentHandling = JsonCommentHandling.Skip });
        try
        {
            while (reader.Read())
            {
                json.Values.Add(json.ReadValue(ref reader));
            }
        }
        catch (JsonException ex)
        {
            var line = (int)(ex.LineNumber ?? 0);
            var offset = (line < json._lineStarts.Count ? json._lineStarts[line] : 0) + (ex.BytePositionInLine ?? 0);
            var at = json.Locate(offset);
            throw problems.Fatal(at, json.Snippet(offset), "not valid JSON: " + FirstSentence(ex.Message));
        }

        if (json.Values.Count == 0)
        {
            throw problems.Fatal(new SourceLocation(source.Name, 1, 1), "", "the file is empty: expected JSON");
        }

        return json;
    }

    public SourceLocation Locate(JsonNode node) => Locate(node.Offset);

    public SourceLocation Locate(long offset)
    {
        offset = Math.Clamp(offset, 0, _bytes.Length);
        var line = _lineStarts.BinarySearch(offset);
        if (line < 0)
        {
            line = ~line - 1;
        }

        var column = 1;
        for (var i = _lineStarts[line]; i < offset; i++)
        {
            // Count UTF-16 code units, as .NET strings and most editors do: skip UTF-8 continuation bytes, and count
            // a 4-byte sequence (outside the BMP, e.g. the leaderboard's emoji) as a surrogate pair.
            if ((_bytes[i] & 0xC0) != 0x80)
            {
                column += _bytes[i] >= 0xF0 ? 2 : 1;
            }
        }

        return new SourceLocation(Source, line + 1, column);
    }

    private JsonNode ReadValue(ref Utf8JsonReader reader)
    {
        var offset = reader.TokenStartIndex;
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                {
                    var props = new List<KeyValuePair<string, JsonNode>>();
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                    {
                        var name = reader.GetString() ?? "";
                        reader.Read();
                        props.Add(new(name, ReadValue(ref reader)));
                    }

                    return new JsonNode(JsonValueKind.Object, offset) { Properties = props, Raw = "{…}" };
                }

            case JsonTokenType.StartArray:
                {
                    var items = new List<JsonNode>();
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        items.Add(ReadValue(ref reader));
                    }

                    return new JsonNode(JsonValueKind.Array, offset) { Items = items, Raw = "[…]" };
                }

            case JsonTokenType.String:
                {
                    var s = reader.GetString() ?? "";
                    var raw = Encoding.UTF8.GetString(_bytes, (int)offset, (int)(reader.BytesConsumed - offset));
                    // A masked NaN/Infinity: report it as written.
                    return new JsonNode(JsonValueKind.String, offset) { String = s, Raw = raw.StartsWith('"') ? s : raw };
                }

            case JsonTokenType.Number:
                return new JsonNode(JsonValueKind.Number, offset)
                {
                    Number = reader.TryGetDouble(out var d) ? d : double.NaN,
                    Raw = Encoding.UTF8.GetString(reader.ValueSpan),
                };
            case JsonTokenType.True:
                return new JsonNode(JsonValueKind.True, offset) { Raw = "true" };
            case JsonTokenType.False:
                return new JsonNode(JsonValueKind.False, offset) { Raw = "false" };
            default:
                return new JsonNode(JsonValueKind.Null, offset) { Raw = "null" };
        }
    }

    private string Snippet(long offset)
    {
        var start = (int)Math.Clamp(offset, 0, _bytes.Length);
        var end = start;
        while (end < _bytes.Length && end - start < 40 && _bytes[end] != (byte)'\n')
        {
            end++;
        }

        return Encoding.UTF8.GetString(_bytes, start, end - start).Trim();
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).Trim();
    }

    /// <summary>Replaces bare NaN / Infinity / -Infinity outside strings by quoted strings of the same byte length.</summary>
    private static byte[] MaskNonFinite(byte[] source)
    {
        byte[]? copy = null;
        var inString = false;
        for (var i = 0; i < source.Length; i++)
        {
            var b = source[i];
            if (inString)
            {
                if (b == (byte)'\\')
                {
                    i++;
                }
                else if (b == (byte)'"')
                {
                    inString = false;
                }

                continue;
            }

            if (b == (byte)'"')
            {
                inString = true;
                continue;
            }

            var len = Match(source, i, "NaN"u8) ? 3 : Match(source, i, "-Infinity"u8) ? 9 : Match(source, i, "Infinity"u8) ? 8 : 0;
            if (len == 0)
            {
                continue;
            }

            copy ??= (byte[])source.Clone();
            copy[i] = (byte)'"';
            copy[i + len - 1] = (byte)'"';
            i += len - 1;
        }

        return copy ?? source;
    }

    private static bool Match(byte[] s, int at, ReadOnlySpan<byte> word) =>
        at + word.Length <= s.Length && s.AsSpan(at, word.Length).SequenceEqual(word);
}
