using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ObsScaling.Server.Hosting;

/// <summary>
/// Stops the server once no request has been in flight for ObsScaling:IdleTimeout (unset: never). The PowerShell
/// module's shared local server outlives the session that started it so that the next session finds it warm;
/// this is what ends it when no session uses it any more. A streaming call (WatchFits) counts as in flight for
/// as long as it is open.
/// </summary>
internal sealed partial class IdleShutdown(IOptions<ServerOptions> options, IHostApplicationLifetime lifetime, ILogger<IdleShutdown> logger) : BackgroundService
{
    private int _inFlight;
    private long _lastActivity = Environment.TickCount64;

    /// <summary>Middleware: marks the request in flight until it completes.</summary>
    public async Task Track(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(next);
        Interlocked.Increment(ref _inFlight);
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _lastActivity, Environment.TickCount64);
            Interlocked.Decrement(ref _inFlight);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.IdleTimeout is not { } timeout || timeout <= TimeSpan.Zero)
        {
            return;
        }

        // Checked a few times per timeout, at most once a second, so the exit comes at most ~25% late.
        var interval = TimeSpan.FromMilliseconds(Math.Clamp(timeout.TotalMilliseconds / 4, 50, 1000));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var idleFor = TimeSpan.FromMilliseconds(Environment.TickCount64 - Volatile.Read(ref _lastActivity));
            if (Volatile.Read(ref _inFlight) == 0 && idleFor >= timeout)
            {
                LogIdle(timeout);
                lifetime.StopApplication();
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No request for {Timeout}; stopping the server (ObsScaling:IdleTimeout).")]
    private partial void LogIdle(TimeSpan timeout);
}
