using System.Globalization;
using System.Text;

namespace ObsScaling.Server.Tests.Support;

/// <summary>
/// The samples of a Prometheus text exposition (version 0.0.4), parsed by its grammar: <c>name{label="value",…} value</c>,
/// comments and blank lines skipped, label values unescaped. Enough to check a scrape as Prometheus would read it.
/// </summary>
internal sealed class PrometheusText
{
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _samples = [];

    private PrometheusText()
    {
    }

    public IReadOnlyList<(string Name, Dictionary<string, string> Labels, double Value)> Samples => _samples;

    public static PrometheusText Parse(string text)
    {
        var parsed = new PrometheusText();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            string name;
            int rest;
            if (brace >= 0 && brace < space)
            {
                name = line[..brace];
                rest = ParseLabels(line, brace + 1, labels);
            }
            else
            {
                name = line[..space];
                rest = space;
            }

            var value = line[rest..].Trim().Split(' ')[0];
            parsed._samples.Add((name, labels, value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                _ => double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture),
            }));
        }

        return parsed;
    }

    /// <summary>The one sample of that name whose labels include all of <paramref name="labels"/>; fails when none or several.</summary>
    public double Value(string name, params (string Key, string Value)[] labels)
    {
        var matches = Where(name, labels).ToArray();
        Assert.True(matches.Length == 1, $"{matches.Length} samples of {name} with {string.Join(",", labels)}");
        return matches[0].Value;
    }

    public IEnumerable<(string Name, Dictionary<string, string> Labels, double Value)> Where(string name, params (string Key, string Value)[] labels) =>
        _samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value));

    private static int ParseLabels(string line, int at, Dictionary<string, string> labels)
    {
        var i = at;
        while (line[i] != '}')
        {
            var eq = line.IndexOf('=', i);
            var key = line[i..eq].Trim(',', ' ');
            i = eq + 2; // past ="
            var value = new StringBuilder();
            while (line[i] != '"')
            {
                if (line[i] == '\\')
                {
                    i++;
                    value.Append(line[i] == 'n' ? '\n' : line[i]);
                }
                else
                {
                    value.Append(line[i]);
                }

                i++;
            }

            labels[key] = value.ToString();
            i++;
            if (line[i] == ',')
            {
                i++;
            }
        }

        return i + 1;
    }
}
