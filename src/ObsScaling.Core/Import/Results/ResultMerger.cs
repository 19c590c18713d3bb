using System.Collections.Immutable;
using ObsScaling.Core.Domain;

namespace ObsScaling.Core.Import.Results;

/// <summary>
/// Turns rows into one record per model name. Rows of one model with different metrics are merged (a harness run
/// per benchmark, a tidy row per score). Two rows giving the same metric different values are duplicates — e.g. the
/// leaderboard's float16 and bfloat16 runs, told apart by (model, revision, precision) — and the
/// <see cref="DuplicatePolicy"/> decides; under <see cref="DuplicatePolicy.Error"/> every conflict is reported with
/// both rows' files and lines.
/// </summary>
internal static class ResultMerger
{
    public static List<ModelRecord> Merge(IEnumerable<ResultRow> rows, DuplicatePolicy policy, FamilyRules rules, ImportProblems problems)
    {
        var merged = new Dictionary<string, Merged>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var row in rows)
        {
            if (!merged.TryGetValue(row.Model, out var m))
            {
                merged[row.Model] = m = new Merged(row);
                order.Add(row.Model);
                continue;
            }

            m.Add(row, policy, problems);
        }

        return order.Select(name => merged[name].ToRecord(rules)).ToList();
    }

    private sealed class Merged(ResultRow first)
    {
        private readonly Dictionary<string, (double Value, SourceLocation At, ResultRow Row)> _scores =
            first.Scores.ToDictionary(kv => kv.Key, kv => (kv.Value.Value, kv.Value.At, first), StringComparer.Ordinal);

        private readonly Dictionary<string, double> _errors = new(first.StandardErrors, StringComparer.Ordinal);
        private readonly Dictionary<string, long> _counts = new(first.SampleCounts, StringComparer.Ordinal);

        private ResultRow _identity = first;
        private DateOnly? _released = first.ReleaseDate;
        private string? _organization = first.Organization;
        private string? _family = first.Family;
        private double? _params = first.ParametersB;
        private double? _tokens = first.TokensT;
        private double? _flops = first.FlopsE21;

        public void Add(ResultRow row, DuplicatePolicy policy, ImportProblems problems)
        {
            var conflicts = row.Scores.Where(s => _scores.TryGetValue(s.Key, out var old) && !old.Value.Equals(s.Value.Value)).Select(s => s.Key).ToList();
            var takeNew = false;
            if (conflicts.Count > 0)
            {
                switch (policy)
                {
                    case DuplicatePolicy.Error:
                        foreach (var c in conflicts)
                        {
                            var old = _scores[c];
                            problems.Add(row.Scores[c].At, CellValues.Format(row.Scores[c].Value),
                                $"duplicate: {row.Describe()} gives {c} = {CellValues.Format(row.Scores[c].Value)}, but {old.Row.Describe()} gave {CellValues.Format(old.Value)} (at {old.At}); choose a duplicate policy (First, Last, Best) or remove one");
                        }

                        return;
                    case DuplicatePolicy.Last:
                        takeNew = true;
                        break;
                    case DuplicatePolicy.Best:
                        takeNew = conflicts.Average(c => row.Scores[c].Value) > conflicts.Average(c => _scores[c].Value);
                        break;
                    default:
                        break;
                }
            }

            foreach (var (metric, (value, at)) in row.Scores)
            {
                if (!_scores.ContainsKey(metric) || (takeNew && conflicts.Contains(metric)))
                {
                    _scores[metric] = (value, at, row);
                    if (row.StandardErrors.TryGetValue(metric, out var se))
                    {
                        _errors[metric] = se;
                    }
                    else
                    {
                        _errors.Remove(metric);
                    }

                    if (row.SampleCounts.TryGetValue(metric, out var n))
                    {
                        _counts[metric] = n;
                    }
                    else
                    {
                        _counts.Remove(metric);
                    }
                }
            }

            if (takeNew)
            {
                _identity = row;
            }

            _family = Pick(_family, row.Family, takeNew);
            _params = Pick(_params, row.ParametersB, takeNew);
            _tokens = Pick(_tokens, row.TokensT, takeNew);
            _flops = Pick(_flops, row.FlopsE21, takeNew);
            _organization = Pick(_organization, row.Organization, takeNew);
            _released = takeNew ? row.ReleaseDate ?? _released : _released ?? row.ReleaseDate;
        }

        public ModelRecord ToRecord(FamilyRules rules) =>
            new(_identity.Model, _family ?? rules.Infer(_identity.Model), _params, _tokens, _flops,
                _scores.ToDictionary(kv => kv.Key, kv => kv.Value.Value, StringComparer.Ordinal))
            {
                StandardErrors = _errors.ToImmutableDictionary(StringComparer.Ordinal),
                SampleCounts = _counts.ToImmutableDictionary(StringComparer.Ordinal),
                ReleaseDate = _released,
                Organization = _organization,
            };

        private static T? Pick<T>(T? current, T? incoming, bool preferIncoming)
            where T : class => preferIncoming ? incoming ?? current : current ?? incoming;

        private static double? Pick(double? current, double? incoming, bool preferIncoming) =>
            preferIncoming ? incoming ?? current : current ?? incoming;
    }
}
