using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.LoadGen;

/// <summary>The workload every client draws from.</summary>
internal sealed record LoadSettings
{
    public required string Dataset { get; init; }

    public required string FitName { get; init; }

    public required V1.FitSpec Spec { get; init; }

    public required V1.DecomposeRequest Decompose { get; init; }

    /// <summary>Forecast inputs (PC coordinates) cycled through by the streams.</summary>
    public required V1.ForecastRequest[] Inputs { get; init; }

    public int StreamSize { get; init; } = 2_000;

    public long MaxRequests { get; init; } = 1_000_000;

    public int ForecastWeight { get; init; } = 2;

    public int FitWeight { get; init; } = 1;

    public int DecomposeWeight { get; init; } = 4;

    public int Seed { get; init; } = 1;

    /// <summary>Open-loop pacing: forecasts per second over all clients (0 = as fast as each client can).</summary>
    public double ForecastRate { get; init; }

    /// <summary>Open-loop pacing: Fit and Decompose calls per second over all clients (0 = as fast as each client can).</summary>
    public double UnaryRate { get; init; }

    public bool Paced => ForecastRate > 0 || UnaryRate > 0;
}
