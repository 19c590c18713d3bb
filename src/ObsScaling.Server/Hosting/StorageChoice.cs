using Microsoft.Extensions.Options;
using ObsScaling.Server.Storage;

namespace ObsScaling.Server.Hosting;

/// <summary>
/// Registers the store named by ObsScaling:Storage. An unknown name is refused before anything is opened: a typo
/// must not quietly fall back to a local SQLite file while the operator believes replicas share a database.
/// </summary>
internal static class StorageChoice
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    public static void Register(IServiceCollection services, ServerOptions options)
    {
        var name = string.IsNullOrWhiteSpace(options.Storage) ? Sqlite : options.Storage.Trim();
        if (string.Equals(name, Sqlite, StringComparison.OrdinalIgnoreCase))
        {
            services.AddSingleton(sp => new SqliteStore(sp.GetRequiredService<IOptions<ServerOptions>>().Value.DatabasePath));
            services.AddSingleton<IDatasetStore>(sp => sp.GetRequiredService<SqliteStore>());
            services.AddSingleton<ILedgerStore>(sp => new LedgerStore(sp.GetRequiredService<SqliteStore>()));
            services.AddSingleton<IRefitFeed, LocalRefitFeed>();
            return;
        }

        if (string.Equals(name, Postgres, StringComparison.OrdinalIgnoreCase))
        {
            // Checked here, before anything is built: without it the server would have nowhere to connect, and
            // a silent fall-back to a local file is what the name check exists to prevent.
            if (string.IsNullOrWhiteSpace(options.ConnectionString))
            {
                throw new InvalidOperationException($"Refusing to start: ObsScaling:Storage is '{Postgres}' but ObsScaling:ConnectionString is not set (an Npgsql connection string, e.g. Host=db;Database=obsscaling;Username=obs; the password from PGPASSWORD or a pgpass file).");
            }

            // No StoreLock: several replicas on one database is what this provider is for; the advisory locks
            // queue their writers and nothing is cached without being checked against the database.
            services.AddSingleton(sp => new PostgresDatabase(sp.GetRequiredService<IOptions<ServerOptions>>().Value.ConnectionString!));
            services.AddSingleton<IDatasetStore>(sp => new PostgresStore(sp.GetRequiredService<PostgresDatabase>()));
            services.AddSingleton<ILedgerStore>(sp => new PostgresLedgerStore(sp.GetRequiredService<PostgresDatabase>()));
            services.AddHealthChecks().AddCheck<PostgresHealthCheck>("database");
            services.AddSingleton<IRefitFeed>(sp => new PostgresRefitFeed(sp.GetRequiredService<PostgresDatabase>(), sp.GetRequiredService<ILogger<PostgresRefitFeed>>()));
            return;
        }

        throw new InvalidOperationException($"Refusing to start: ObsScaling:Storage is '{name}'; it must be '{Sqlite}' (the default) or '{Postgres}'.");
    }
}
