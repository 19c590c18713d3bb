using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ObsScaling.Server.Storage;

/// <summary>
/// The replica's health includes its database: a load balancer asking grpc.health.v1 takes a replica that cannot
/// reach PostgreSQL out of rotation (NOT_SERVING) instead of sending it calls that would fail UNAVAILABLE.
/// </summary>
internal sealed class PostgresHealthCheck(PostgresDatabase database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            await using var cmd = database.DataSource.CreateCommand("SELECT 1");
            await cmd.ExecuteScalarAsync(timeout.Token).ConfigureAwait(false);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is OperationCanceledException || PostgresDatabase.Transient(ex))
        {
            // A dead pooled connection should not fail the next check too.
            database.DataSource.Clear();
            return HealthCheckResult.Unhealthy($"the database {database.Target} is unreachable", ex);
        }
    }
}
