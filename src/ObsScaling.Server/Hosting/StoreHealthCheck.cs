using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using ObsScaling.Server.Storage;

namespace ObsScaling.Server.Hosting;

/// <summary>
/// Readiness: the store answers a one-row read (ListDatasets(0, 1)) within <see cref="ServerOptions.ReadinessTimeout"/>.
/// Unhealthy on any failure or on running out of time (degraded, still serving, when the database answered but a
/// stored row is damaged); the cause is logged, and the answer names no path or host.
/// The read runs on the thread pool because stores are synchronous, so a hung database cannot hang the probe.
/// </summary>
internal sealed partial class StoreHealthCheck(IDatasetStore store, IOptions<ServerOptions> options, ILogger<StoreHealthCheck> logger) : IHealthCheck
{
    public const string Name = "store";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var timeout = options.Value.ReadinessTimeout > TimeSpan.Zero ? options.Value.ReadinessTimeout : TimeSpan.FromSeconds(2);
        var read = Task.Run(() => store.ListDatasets(0, 1), CancellationToken.None);
        try
        {
            await read.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy("the store answered");
        }
        catch (TimeoutException)
        {
            LogSlow(logger, timeout);
            _ = read.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            return HealthCheckResult.Unhealthy($"the store did not answer within {timeout.TotalSeconds:0.###} s");
        }
        catch (Google.Protobuf.InvalidProtocolBufferException ex)
        {
            // The database answered; one stored row is damaged. That is a fault to fix, not a reason to take the
            // server out of rotation (every other dataset still serves), so it is degraded, which still serves.
            LogFailed(logger, ex);
            return HealthCheckResult.Degraded("the store answered, but a stored row could not be read (see the server's log)");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogFailed(logger, ex);
            return HealthCheckResult.Unhealthy("the store could not be read (see the server's log)");
        }
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Warning, Message = "readiness: the store did not answer within {Timeout}")]
    private static partial void LogSlow(ILogger logger, TimeSpan timeout);

    [LoggerMessage(EventId = 31, Level = LogLevel.Warning, Message = "readiness: the store could not be read")]
    private static partial void LogFailed(ILogger logger, Exception ex);
}
