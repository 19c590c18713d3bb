using System.Management.Automation;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Synthetic;
using ObsScaling.PowerShell.Model;

namespace ObsScaling.PowerShell.Cmdlets;

/// <summary>
/// Generates a seeded synthetic model zoo drawn from a known generalised scaling law (no server needed): the
/// same parameters always give the same models. Pipe it to Import-ObsModel -Dataset to analyse it.
/// </summary>
[Cmdlet(VerbsCommon.New, "ObsSyntheticZoo")]
[OutputType(typeof(ObsModel))]
public sealed class NewObsSyntheticZoo : PSCmdlet
{
    [Parameter(Position = 0)]
    public int Seed { get; set; } = 1;

    [Parameter]
    public int Families { get; set; } = 12;

    [Parameter]
    public int ModelsPerFamily { get; set; } = 5;

    [Parameter]
    public int Benchmarks { get; set; } = 8;

    [Parameter]
    public int LatentDimensions { get; set; } = 2;

    [Parameter]
    public BenchmarkResponse Response { get; set; } = BenchmarkResponse.Sigmoid;

    [Parameter]
    public double BenchmarkNoise { get; set; } = 0.01;

    [Parameter]
    public double MissingFraction { get; set; }

    /// <summary>Weights of the true downstream law, one per latent dimension (default 2.5, 1.0).</summary>
    [Parameter]
    public double[]? DownstreamWeight { get; set; }

    [Parameter]
    public double DownstreamNoise { get; set; } = 0.01;

    protected override void EndProcessing()
    {
        var options = new SyntheticZooOptions
        {
            Seed = Seed,
            Families = Families,
            ModelsPerFamily = ModelsPerFamily,
            Benchmarks = Benchmarks,
            LatentDimensions = LatentDimensions,
            Response = Response,
            BenchmarkNoise = BenchmarkNoise,
            MissingFraction = MissingFraction,
            DownstreamNoise = DownstreamNoise,
            DownstreamWeights = DownstreamWeight ?? (LatentDimensions == 2 ? [2.5, 1.0] : [.. Enumerable.Range(0, LatentDimensions).Select(d => 2.5 / (1 + d))]),
        };

        SyntheticZoo zoo;
        try
        {
            zoo = SyntheticZoo.Generate(options);
        }
        catch (ObsValidationException ex)
        {
            var v = ex.Violations.Count > 0 ? ex.Violations[0] : null;
            ThrowTerminatingError(new ErrorRecord(ex, "ObsInvalidZooOptions", ErrorCategory.InvalidArgument, v?.Value));
            return;
        }

        var metrics = zoo.Models.OrderedMetrics().Select(ObsMetric.FromDomain).ToArray();
        WriteObject(zoo.Models.Models.Select(m => ObsModel.FromDomain(m, metrics)), enumerateCollection: true);
    }
}
