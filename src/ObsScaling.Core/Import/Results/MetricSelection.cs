using ObsScaling.Core.Domain;

namespace ObsScaling.Core.Import.Results;

/// <summary>
/// Which lm-evaluation-harness score becomes a metric: the task, the metric and its filter (the harness keys
/// scores as <c>metric,filter</c>, e.g. <c>exact_match,flexible-extract</c>), and the metric's name in the
/// dataset (the task's by default). Written <c>task=metric,filter</c> or <c>task=metric,filter-&gt;Name</c>.
/// </summary>
public sealed record MetricSelection(string Task, string Metric, string Filter, string Name)
{
    /// <summary>The harness's key in a task's results object.</summary>
    public string Key => $"{Metric},{Filter}";

    public static MetricSelection Parse(string text, string field = "metrics")
    {
        ArgumentNullException.ThrowIfNull(text);
        var spec = text.Trim();
        var name = (string?)null;
        var arrow = spec.IndexOf("->", StringComparison.Ordinal);
        if (arrow >= 0)
        {
            name = spec[(arrow + 2)..].Trim();
            spec = spec[..arrow].Trim();
        }

        var eq = spec.IndexOf('=', StringComparison.Ordinal);
        var comma = eq < 0 ? -1 : spec.IndexOf(',', eq);
        if (eq <= 0 || comma < 0)
        {
            throw new ObsValidationException(field, text, "expected task=metric,filter (e.g. gsm8k=exact_match,flexible-extract or mmlu=acc,none), optionally followed by ->Name");
        }

        var task = spec[..eq].Trim();
        var metric = spec[(eq + 1)..comma].Trim();
        var filter = spec[(comma + 1)..].Trim();
        if (task.Length == 0 || metric.Length == 0 || filter.Length == 0 || name is { Length: 0 })
        {
            throw new ObsValidationException(field, text, "the task, metric, filter (and name after ->) must not be empty; the harness's default filter is 'none'");
        }

        return new MetricSelection(task, metric, filter, name ?? task);
    }

    public override string ToString() => Name == Task ? $"{Task}={Key}" : $"{Task}={Key}->{Name}";
}
