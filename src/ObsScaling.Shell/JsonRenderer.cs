using System.Collections;
using System.Management.Automation;
using System.Text.Json;

namespace ObsScaling.Shell;

/// <summary>
/// Writes a pipeline's output as one JSON array (always an array, so scripts parse one shape whatever the
/// count). Objects become JSON objects of their properties, nested up to <see cref="MaxDepth"/> levels; deeper
/// values are written as their string form. Doubles are written shortest-round-trip; NaN and ±∞, which JSON
/// cannot hold as numbers, are written as the strings "NaN", "Infinity" and "-Infinity" (readable back with
/// <see cref="System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals"/>).
/// </summary>
internal sealed class JsonRenderer : IOutputRenderer
{
    internal const int MaxDepth = 5;

    private readonly TextWriter _writer;
    private readonly List<PSObject?> _items = [];

    public JsonRenderer(TextWriter writer) => _writer = writer;

    public void Write(PSObject? item) => _items.Add(item);

    public void Complete()
    {
        _writer.WriteLine(Serialize(_items));
        _writer.Flush();
        _items.Clear();
    }

    internal static string Serialize(IEnumerable<object?> items)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartArray();
            foreach (var item in items)
            {
                WriteValue(json, item, 0);
            }

            json.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteValue(Utf8JsonWriter json, object? value, int depth)
    {
        var wrapper = value as PSObject;
        var raw = ValueFormatter.Unwrap(value);
        switch (raw)
        {
            case null:
                json.WriteNullValue();
                return;
            case bool b:
                json.WriteBooleanValue(b);
                return;
            case double d:
                WriteDouble(json, d);
                return;
            case float f:
                WriteDouble(json, f);
                return;
            case Half h:
                WriteDouble(json, (double)h);
                return;
            case decimal m:
                json.WriteNumberValue(m);
                return;
            case byte or sbyte or short or ushort or int or long:
                json.WriteNumberValue(Convert.ToInt64(raw, System.Globalization.CultureInfo.InvariantCulture));
                return;
            case uint or ulong:
                json.WriteNumberValue(Convert.ToUInt64(raw, System.Globalization.CultureInfo.InvariantCulture));
                return;
            case DateTime dt:
                json.WriteStringValue(dt);
                return;
            case DateTimeOffset dto:
                json.WriteStringValue(dto);
                return;
            case Guid g:
                json.WriteStringValue(g);
                return;
            case Type t:
                json.WriteStringValue(t.FullName);
                return;
            case string or char or Enum or TimeSpan or Uri or Version or System.Numerics.BigInteger or ScriptBlock:
                json.WriteStringValue(ValueFormatter.Format(raw));
                return;
        }

        if (depth >= MaxDepth)
        {
            json.WriteStringValue(raw.ToString());
            return;
        }

        if (raw is IDictionary dictionary)
        {
            json.WriteStartObject();
            foreach (DictionaryEntry entry in dictionary)
            {
                json.WritePropertyName(ValueFormatter.Format(entry.Key));
                WriteValue(json, entry.Value, depth + 1);
            }

            json.WriteEndObject();
            return;
        }

        if (raw is IEnumerable enumerable)
        {
            json.WriteStartArray();
            foreach (var element in enumerable)
            {
                WriteValue(json, element, depth + 1);
            }

            json.WriteEndArray();
            return;
        }

        json.WriteStartObject();
        foreach (var property in (wrapper ?? PSObject.AsPSObject(raw)).Properties)
        {
            object? propertyValue;
            try
            {
                propertyValue = property.Value;
            }
            catch (ExtendedTypeSystemException)
            {
                // Some adapted getters throw for objects in certain states; skip them as ConvertTo-Json does.
                continue;
            }

            json.WritePropertyName(property.Name);
            WriteValue(json, propertyValue, depth + 1);
        }

        json.WriteEndObject();
    }

    private static void WriteDouble(Utf8JsonWriter json, double d)
    {
        if (double.IsNaN(d))
        {
            json.WriteStringValue("NaN");
        }
        else if (double.IsPositiveInfinity(d))
        {
            json.WriteStringValue("Infinity");
        }
        else if (double.IsNegativeInfinity(d))
        {
            json.WriteStringValue("-Infinity");
        }
        else
        {
            json.WriteNumberValue(d);
        }
    }
}
