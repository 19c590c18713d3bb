using System.Collections.Immutable;

namespace ObsScaling.Core.Domain;

/// <summary>
/// An ordered, validated collection of models together with the descriptions of the metrics
/// their scores refer to. Immutable: every filter or join returns a new set.
/// </summary>
public sealed class ModelSet
{
    private readonly Dictionary<string, int> _index;

    public ModelSet(IEnumerable<ModelRecord> models, IEnumerable<MetricInfo> metrics)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(metrics);
        Models = models.ToImmutableArray();
        var metricList = metrics.ToList();
        var v = new ViolationCollector();
        var byName = new Dictionary<string, MetricInfo>(StringComparer.Ordinal);
        for (var i = 0; i < metricList.Count; i++)
        {
            var m = metricList[i];
            if (string.IsNullOrWhiteSpace(m.Name))
            {
                v.Add($"metrics[{i}].name", m.Name ?? "", "a metric needs a name");
                continue;
            }

            if (!double.IsFinite(m.Min) || !double.IsFinite(m.Max) || m.Min >= m.Max)
            {
                v.Add($"metrics[{m.Name}].range", $"[{ObsValidationException.Format(m.Min)}, {ObsValidationException.Format(m.Max)}]", "the range must be finite with min < max");
            }

            if (m.Chance is { } c && (!double.IsFinite(c) || c < m.Min || c > m.Max))
            {
                v.Add($"metrics[{m.Name}].chance", c, "the chance level must lie inside the metric's range");
            }

            if (!byName.TryAdd(m.Name, m))
            {
                v.Add($"metrics[{i}].name", m.Name, "duplicate metric name");
            }
        }

        Metrics = byName.ToImmutableDictionary(StringComparer.Ordinal);
        MetricOrder = metricList.Select(m => m.Name).Distinct(StringComparer.Ordinal).ToImmutableArray();

        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < Models.Length; i++)
        {
            var m = Models[i];
            var at = $"models[{i}]";
            if (string.IsNullOrWhiteSpace(m.Name))
            {
                v.Add($"{at}.name", m.Name ?? "", "a model needs a name");
            }
            else if (!_index.TryAdd(m.Name, i))
            {
                v.Add($"{at}.name", m.Name, $"duplicate model name (first at models[{_index[m.Name]}])");
            }

            CheckPositive(v, $"{at}.parameters_b", m.ParametersB);
            CheckPositive(v, $"{at}.tokens_t", m.TokensT);
            CheckPositive(v, $"{at}.flops_e21", m.FlopsE21);
            foreach (var (metric, value) in m.Scores)
            {
                var field = $"{at}.scores[{metric}]";
                if (!Metrics.TryGetValue(metric, out var info))
                {
                    v.Add(field, value, "unknown metric: declare it in the metric list");
                }
                else if (!double.IsFinite(value))
                {
                    v.Add(field, value, "a score must be a finite number (leave it out when not evaluated)");
                }
                else if (!info.Contains(value))
                {
                    v.Add(field, value, $"outside the metric's declared range [{ObsValidationException.Format(info.Min)}, {ObsValidationException.Format(info.Max)}]");
                }
            }

            // An uncertainty without its score could never be used, and a negative or non-finite one would poison a
            // weighted fit silently, so both are refused where the model is read.
            foreach (var (metric, se) in m.StandardErrors)
            {
                var field = $"{at}.standard_errors[{metric}]";
                if (!m.Scores.ContainsKey(metric))
                {
                    v.Add(field, se, "a standard error needs the model's score on that metric");
                }
                else if (!double.IsFinite(se) || se < 0)
                {
                    v.Add(field, se, "a standard error must be a finite number ≥ 0");
                }
            }

            foreach (var (metric, n) in m.SampleCounts)
            {
                var field = $"{at}.sample_counts[{metric}]";
                if (!m.Scores.ContainsKey(metric))
                {
                    v.Add(field, n.ToString(System.Globalization.CultureInfo.InvariantCulture), "a sample count needs the model's score on that metric");
                }
                else if (n < 1)
                {
                    v.Add(field, n.ToString(System.Globalization.CultureInfo.InvariantCulture), "a sample count must be at least 1");
                }
            }
        }

        v.ThrowIfAny();
    }

    public ImmutableArray<ModelRecord> Models { get; }

    public ImmutableDictionary<string, MetricInfo> Metrics { get; }

    /// <summary>Metric names in declaration order (column order of the source file).</summary>
    public ImmutableArray<string> MetricOrder { get; }

    public int Count => Models.Length;

    public ModelRecord this[int index] => Models[index];

    public bool TryGet(string name, out ModelRecord model)
    {
        if (_index.TryGetValue(name, out var i))
        {
            model = Models[i];
            return true;
        }

        model = null!;
        return false;
    }

    public int IndexOf(string name) => _index.TryGetValue(name, out var i) ? i : -1;

    /// <summary>True when the name is a metadata column (or alias) or a declared metric.</summary>
    public bool HasColumn(string column) => ModelColumns.Canonical(column) is not null || Metrics.ContainsKey(column);

    /// <summary>Throws a validation error naming <paramref name="field"/> when a column is unknown.</summary>
    public void RequireColumns(string field, IEnumerable<string> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var v = new ViolationCollector();
        foreach (var c in columns)
        {
            if (!HasColumn(c))
            {
                v.Add(field, c, "unknown metric or column");
            }
        }

        v.ThrowIfAny();
    }

    /// <summary>The values of a column, NaN where missing.</summary>
    public double[] Column(string column)
    {
        var r = new double[Models.Length];
        for (var i = 0; i < r.Length; i++)
        {
            r[i] = Models[i].Value(column);
        }

        return r;
    }

    /// <summary>Rows × columns matrix of the named columns, NaN where missing.</summary>
    public double[,] Matrix(IReadOnlyList<string> columns, IReadOnlyList<int>? rows = null)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var n = rows?.Count ?? Models.Length;
        var x = new double[n, columns.Count];
        for (var i = 0; i < n; i++)
        {
            var m = Models[rows is null ? i : rows[i]];
            for (var j = 0; j < columns.Count; j++)
            {
                x[i, j] = m.Value(columns[j]);
            }
        }

        return x;
    }

    public ModelSet Where(Func<ModelRecord, bool> predicate) => new(Models.Where(predicate), Metrics.Values.OrderBy(m => MetricOrder.IndexOf(m.Name)));

    public ModelSet Select(IEnumerable<int> rows) => new(rows.Select(i => Models[i]), OrderedMetrics());

    /// <summary>Adds (or replaces) models; a model with the same name as an existing one replaces it in place.</summary>
    public ModelSet Upsert(IEnumerable<ModelRecord> models, IEnumerable<MetricInfo>? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(models);
        var list = Models.ToList();
        var idx = new Dictionary<string, int>(_index, StringComparer.Ordinal);
        foreach (var m in models)
        {
            if (idx.TryGetValue(m.Name, out var i))
            {
                list[i] = m;
            }
            else
            {
                idx[m.Name] = list.Count;
                list.Add(m);
            }
        }

        return new ModelSet(list, MergeMetrics(metrics));
    }

    /// <summary>
    /// Inner join on model name with a downstream table (e.g. agent or BIG-Bench scores): keeps the
    /// models present in both, in this set's order, with the downstream scores added.
    /// </summary>
    public ModelSet Join(ModelSet downstream)
    {
        ArgumentNullException.ThrowIfNull(downstream);
        var joined = new List<ModelRecord>();
        foreach (var m in Models)
        {
            if (downstream.TryGet(m.Name, out var d))
            {
                joined.Add(m.WithScores(d.Scores));
            }
        }

        return new ModelSet(joined, MergeMetrics(downstream.OrderedMetrics()));
    }

    public IEnumerable<MetricInfo> OrderedMetrics() => MetricOrder.Select(n => Metrics[n]);

    private List<MetricInfo> MergeMetrics(IEnumerable<MetricInfo>? extra)
    {
        var merged = OrderedMetrics().ToList();
        if (extra is null)
        {
            return merged;
        }

        foreach (var m in extra)
        {
            var at = merged.FindIndex(x => x.Name == m.Name);
            if (at >= 0)
            {
                merged[at] = m;
            }
            else
            {
                merged.Add(m);
            }
        }

        return merged;
    }

    private static void CheckPositive(ViolationCollector v, string field, double? value)
    {
        if (value is { } x && (!double.IsFinite(x) || x <= 0))
        {
            v.Add(field, x, "must be a positive finite number (leave it out when unknown)");
        }
    }
}
