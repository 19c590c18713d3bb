using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ObsScaling.Server.Hosting;

/// <summary>
/// Stops the server when the process that started it is gone (ObsScaling:ParentProcessId, set by the PowerShell
/// module's embedded server). A host killed outright runs no exit handler, so without this its server would keep
/// the port and the database open forever.
/// </summary>
internal sealed partial class ParentProcessWatch(IConfiguration configuration, IHostApplicationLifetime lifetime, ILogger<ParentProcessWatch> logger) : BackgroundService
{
    public const string Key = "ObsScaling:ParentProcessId";

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pid = configuration.GetValue<int?>(Key);
        if (pid is not > 0)
        {
            return;
        }

        // The start time tells the parent from a later process that reuses its ID.
        var started = StartTime(pid.Value);
        while (!stoppingToken.IsCancellationRequested)
        {
            if (started is null || StartTime(pid.Value) != started)
            {
                LogParentGone(pid.Value);
                lifetime.StopApplication();
                return;
            }

            try
            {
                await Task.Delay(Interval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static DateTime? StartTime(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return p.HasExited ? null : p.StartTime;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The parent process {Pid} is gone; stopping the server.")]
    private partial void LogParentGone(int pid);
}
