using System.Collections;
using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using ObsScaling.Core.Domain;

namespace ObsScaling.Server.Hosting;

/// <summary>
/// Refuses control characters in every string of a request: names, IDs, display names, model, family and metric
/// names. A trailing newline once slipped past a resource-name pattern (<c>datasets/abc\n</c> created a dataset
/// whose returned name deleted <c>abc</c>), and control characters forge lines in logs and terminals. Free-text
/// fields (a preregistration's note, a plot's title) may hold tabs and line breaks, nothing else.
/// </summary>
internal static class RequestText
{
    private static readonly HashSet<string> FreeText = new(StringComparer.Ordinal) { "note", "title" };

    /// <summary>Throws an <see cref="ObsValidationException"/> naming every string field that holds a control character.</summary>
    public static void Check(IMessage message, string prefix = "")
    {
        List<FieldViolation>? violations = null;
        Walk(message, prefix, ref violations);
        if (violations is not null)
        {
            throw new ObsValidationException(violations);
        }
    }

    /// <summary>The text with control characters written as escapes (\n, \u0000), for logs and error messages.</summary>
    public static string Escape(string text)
    {
        if (!text.Any(IsControl))
        {
            return text;
        }

        var sb = new System.Text.StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            sb.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when IsControl(c) => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }

        return sb.ToString();
    }

    /// <summary>C0 and C1 controls, DEL, and the Unicode line and paragraph separators (they break lines too).</summary>
    public static bool IsControl(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';

    private static void Walk(IMessage message, string prefix, ref List<FieldViolation>? violations)
    {
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            if (field.FieldType is not (FieldType.String or FieldType.Message))
            {
                continue;
            }

            var path = prefix + field.Name;
            var value = field.Accessor.GetValue(message);
            if (field.IsMap)
            {
                foreach (DictionaryEntry entry in (IDictionary)value)
                {
                    var key = Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? "";
                    var entryPath = $"{path}[{Escape(key)}]";
                    CheckText(field, entryPath, key, ref violations);
                    CheckValue(field.MessageType.FindFieldByNumber(2), entryPath, entry.Value, ref violations);
                }
            }
            else if (field.IsRepeated)
            {
                var index = 0;
                foreach (var item in (IList)value)
                {
                    CheckValue(field, $"{path}[{index++}]", item, ref violations);
                }
            }
            else
            {
                CheckValue(field, path, value, ref violations);
            }
        }
    }

    private static void CheckValue(FieldDescriptor field, string path, object? value, ref List<FieldViolation>? violations)
    {
        switch (value)
        {
            case string text:
                CheckText(field, path, text, ref violations);
                break;
            case IMessage nested:
                Walk(nested, path + ".", ref violations);
                break;
        }
    }

    private static void CheckText(FieldDescriptor field, string path, string text, ref List<FieldViolation>? violations)
    {
        var freeText = FreeText.Contains(field.Name);
        foreach (var c in text)
        {
            if (IsControl(c) && !(freeText && c is '\n' or '\r' or '\t'))
            {
                (violations ??= []).Add(new FieldViolation(path, text, $"must not contain control characters (found U+{(int)c:X4})"));
                return;
            }
        }
    }
}
