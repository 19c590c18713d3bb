using System.Text.Json;

namespace ObsScaling.Core.Import.Results;

/// <summary>A parsed JSON value that remembers where it starts in its file, so errors can name line and column.</summary>
internal sealed class JsonNode(JsonValueKind kind, long offset)
{
    public JsonValueKind Kind { get; } = kind;

    /// <summary>Byte offset of the value's first byte in the UTF-8 text.</summary>
    public long Offset { get; } = offset;

    public string? String { get; init; }

    public double Number { get; init; }

    /// <summary>The value's text as written (for error messages).</summary>
    public string Raw { get; init; } = "";

    public List<KeyValuePair<string, JsonNode>>? Properties { get; init; }

    public List<JsonNode>? Items { get; init; }

    public JsonNode? this[string name] => Properties?.FirstOrDefault(p => p.Key == name).Value;

    public string KindName => Kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
