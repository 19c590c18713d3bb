using System.Management.Automation;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.PowerShell.Model;

/// <summary>
/// The one conversion of the -IrtAnchorBenchmark/-IrtChanceFloors/-IrtRidge parameters, shared by the fit spec,
/// decompositions and plots.
/// </summary>
internal static class ObsIrtSettings
{
    private static readonly string[] Parameters = ["IrtAnchorBenchmark", "IrtChanceFloors", "IrtRidge"];

    /// <summary>Null when none is set (the service's defaults).</summary>
    public static V1.IrtSettings? ToProto(string? anchorBenchmark, bool? chanceFloors, double? ridge)
    {
        if (anchorBenchmark is null && chanceFloors is null && ridge is null)
        {
            return null;
        }

        var settings = new V1.IrtSettings { AnchorBenchmark = anchorBenchmark ?? "", ChanceFloors = chanceFloors ?? false };
        if (ridge is { } r)
        {
            settings.Ridge = r;
        }

        return settings;
    }

    /// <summary>
    /// A decomposition's or figure's capability model from its bound parameters: the item-response settings when it
    /// is IRT (-CapabilityModel Irt, or any -Irt* parameter, which implies it), null for PCA. -CapabilityModel Pca
    /// with an -Irt* parameter is refused, naming the parameter.
    /// </summary>
    public static V1.IrtSettings? Resolve(PSCmdlet cmdlet, ObsCapabilityModel model, string? anchorBenchmark, SwitchParameter chanceFloors, double ridge)
    {
        var bound = cmdlet.MyInvocation.BoundParameters;
        var given = Parameters.Where(bound.ContainsKey).ToArray();
        if (bound.ContainsKey("CapabilityModel") && model == ObsCapabilityModel.Pca && given.Length > 0)
        {
            cmdlet.ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"-{given[0]} sets the item-response fit, but -CapabilityModel is Pca; use -CapabilityModel Irt or leave it out."),
                "ObsIrtParameterWithoutIrt",
                ErrorCategory.InvalidArgument,
                given[0]));
        }

        if (model != ObsCapabilityModel.Irt && given.Length == 0)
        {
            return null;
        }

        return ToProto(
            bound.ContainsKey("IrtAnchorBenchmark") ? anchorBenchmark : null,
            bound.ContainsKey("IrtChanceFloors") ? chanceFloors.IsPresent : null,
            bound.ContainsKey("IrtRidge") ? ridge : null) ?? new V1.IrtSettings();
    }
}
