using Prometheus;

namespace ObsScaling.Server.Hosting;

/// <summary>Raises a gauge for as long as it is held (a stream or a watch in progress).</summary>
internal sealed class GaugeScope : IDisposable
{
    private readonly Gauge.Child _gauge;

    public GaugeScope(Gauge.Child gauge)
    {
        _gauge = gauge;
        _gauge.Inc();
    }

    public void Dispose() => _gauge.Dec();
}
