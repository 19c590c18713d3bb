namespace ObsScaling.Server.Hosting;

/// <summary>Settings of the server (configuration section "ObsScaling", or command-line --ObsScaling:Key=value).</summary>
public sealed class ServerOptions
{
    public const string Section = "ObsScaling";

    /// <summary>Default loopback URL: cleartext HTTP/2, no credentials needed.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>Which database holds the data: "sqlite" (the default, one file) or "postgres" (shared by replicas).</summary>
    public string Storage { get; set; } = StorageChoice.Sqlite;

    /// <summary>
    /// The Npgsql connection string when Storage is "postgres". Leave the password out and set PGPASSWORD (or a
    /// pgpass file), which Npgsql reads itself, so no secret sits in configuration.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>Default web URL (HTTP/1.1; the dashboard, REST and gRPC-Web), used when the gRPC URLs are the default too.</summary>
    public const string DefaultWebUrl = "http://127.0.0.1:5081";

    /// <summary>
    /// The web endpoint's URLs, ';'-separated; "none" for no web endpoint. Unset: <see cref="DefaultWebUrl"/> when the
    /// gRPC URLs are the default, none otherwise (see <see cref="WebEndpoint.Urls"/>). Off loopback it needs the API key.
    /// </summary>
    public string? WebUrls { get; set; }

    /// <summary>
    /// Origins (<c>scheme://host[:port]</c>, ';'-separated) whose pages may call the web endpoint's REST, SSE and
    /// gRPC-Web routes from the browser (CORS); none when unset, so only the server's own page can. The key rule still
    /// applies: a page on another origin sends <c>Authorization: Bearer</c> itself (no cookies are ever used).
    /// </summary>
    public string? CorsOrigins { get; set; }

    /// <summary>The SQLite file (created if missing).</summary>
    public string DatabasePath { get; set; } = "obsscaling.db";

    /// <summary>Required when bound to anything but loopback; then every call must send it as a bearer token.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Largest accepted request message (bytes); larger ones get RESOURCE_EXHAUSTED.</summary>
    public int MaxReceiveMessageBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Largest number of models one import may carry.</summary>
    public int MaxImportModels { get; set; } = 100_000;

    /// <summary>
    /// Largest number of bytes of messages one ImportModels stream may carry (the models are held in memory until
    /// the stream ends and they are stored at once); past it the call ends RESOURCE_EXHAUSTED naming this limit.
    /// </summary>
    public long MaxImportBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// Estimated bytes of large answers (ListModels pages of 1 MiB or more) held at once over all clients, from being
    /// read until the client has taken them; more such calls wait their turn (see <see cref="Services.AnswerBudget"/>).
    /// </summary>
    public long MaxAnswerBytesInFlight { get; set; } = 128L * 1024 * 1024;

    /// <summary>Estimated bytes of computed decompositions kept for repeated Decompose calls (least recently used out first).</summary>
    public long DecompositionCacheBytes { get; set; } = 128L * 1024 * 1024;

    /// <summary>Heavy analyses (fits, backtests, subset searches, technique comparisons) run at once; default cores − 1, at least 1.</summary>
    public int ComputeSlots { get; set; } = Services.ComputeSlots.DefaultSlots;

    /// <summary>Stop the server after this long with no request in flight (unset: never); see <see cref="IdleShutdown"/>.</summary>
    public TimeSpan? IdleTimeout { get; set; }

    /// <summary>Where to write the gRPC address once serving (unset: nowhere); see <see cref="Hosting.AddressFile"/>.</summary>
    public string? AddressFile { get; set; }

    /// <summary>Deadline of one background refit (after an import), from when it gets a compute slot; a refit past it is reported as refit_failed.</summary>
    public TimeSpan RefitTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Changes kept per dataset for watchers that reconnect (SSE <c>Last-Event-ID</c>); older ones get a fresh snapshot.</summary>
    public int WatchHistory { get; set; } = 64;

    /// <summary>How long the readiness check ("store": gRPC health, <c>/healthz/ready</c>) waits for the store's answer.</summary>
    public TimeSpan ReadinessTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often an idle SSE feed sends a <c>: keep-alive</c> comment, so proxies do not close it.</summary>
    public TimeSpan SseHeartbeat { get; set; } = TimeSpan.FromSeconds(15);
}
