using System.Management.Automation;
using ObsScaling.PowerShell.Model;
using ObsScaling.PowerShell.Session;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.PowerShell.Cmdlets;

/// <summary>
/// What a stored law reads from a model: its FLOPs or size for compute laws, otherwise the scores of the metrics the
/// law uses (a model's other scores, its target among them when known, are not inputs). Shared by Get-ObsForecast and
/// New-ObsPreregistration, so a forecast and a preregistration of the same model are made from the same input.
/// </summary>
internal static class LawInput
{
    /// <summary>The input, or null with the error to write when the model lacks what the law reads.</summary>
    public static V1.ForecastInput? From(V1.Fit fit, ObsModel m, out ErrorRecord? error)
    {
        error = null;
        var input = new V1.ForecastInput { Model = m.Name, Family = m.Family ?? "" };
        switch (fit.Spec.Predictors?.Kind ?? V1.PredictorKind.Unspecified)
        {
            case V1.PredictorKind.LogFlops when m.FlopsE21 is { } c:
                input.FlopsE21 = c;
                break;
            case V1.PredictorKind.LogFlops:
                error = ObsErrors.InvalidArgument($"{m.Name}.FlopsE21", "(none)", "the law predicts from training compute, and this model has no FLOPs", "ObsModelWithoutFlops");
                return null;
            case V1.PredictorKind.LogParameters when m.ParametersB is { } n:
                input.ParametersB = n;
                break;
            case V1.PredictorKind.LogParameters:
                error = ObsErrors.InvalidArgument($"{m.Name}.ParametersB", "(none)", "the law predicts from model size, and this model has no size", "ObsModelWithoutSize");
                return null;
            default:
                IReadOnlyCollection<string>? read = fit.Spec.Predictors?.Kind switch
                {
                    V1.PredictorKind.Metrics => fit.Spec.Predictors.Metrics,
                    V1.PredictorKind.IrtCapability => fit.ItemResponse?.Benchmarks.Select(b => b.Name).ToList(),
                    _ => fit.Space?.Metrics,
                };
                var used = read is { Count: > 0 } ? read.ToHashSet(StringComparer.Ordinal) : null;
                input.Scores = new V1.MetricScores();
                foreach (var (k, v) in m.Scores)
                {
                    if (used is null || used.Contains(k))
                    {
                        input.Scores.Values[k] = v;
                    }
                }

                break;
        }

        return input;
    }
}
