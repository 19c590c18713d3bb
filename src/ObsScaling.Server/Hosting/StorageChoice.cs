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
            return;
        }

        if (string.Equals(name, Postgres, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Refusing to start: ObsScaling:Storage '{Postgres}' is not available in this build yet; use '{Sqlite}'.");
        }

        throw new InvalidOperationException($"Refusing to start: ObsScaling:Storage is '{name}'; it must be '{Sqlite}' (the default) or '{Postgres}'.");
    }
}
