using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using Grpc.Core;
using Grpc.Net.Client;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.PowerShell.Session;

/// <summary>A channel and client to one server, with the API key sent on every call.</summary>
internal sealed class Connection(GrpcChannel channel, string endpoint, string? apiKey, bool embedded) : IDisposable
{
    public GrpcChannel Channel { get; } = channel;

    public V1.ObsScaling.ObsScalingClient Client { get; } = new(channel);

    public string Endpoint { get; } = endpoint;

    public string? ApiKey { get; } = apiKey;

    public bool IsEmbedded { get; } = embedded;

    public DateTime ConnectedAt { get; } = DateTime.UtcNow;

    public Metadata Headers()
    {
        var m = new Metadata();
        if (!string.IsNullOrEmpty(ApiKey))
        {
            m.Add("authorization", "Bearer " + ApiKey);
        }

        return m;
    }

    public void Dispose() => Channel.Dispose();

    public static GrpcChannel NewChannel(string address) => GrpcChannel.ForAddress(address, new GrpcChannelOptions
    {
        MaxReceiveMessageSize = 64 * 1024 * 1024,
        MaxSendMessageSize = 64 * 1024 * 1024,
    });
}

/// <summary>
/// The module's session state. Each runspace (a PowerShell session) has its own connection from
/// Connect-ObsServer; runspaces without one share the embedded server, started on first use and stopped when
/// the last runspace using it closes, on Disconnect-ObsServer, when the module is removed, and at process exit.
/// </summary>
internal static class ObsSession
{
    private static readonly Lock Gate = new();
    private static readonly ConditionalWeakTable<Runspace, Connection> Explicit = [];
    private static readonly HashSet<Runspace> EmbeddedUsers = [];
    private static readonly ConditionalWeakTable<Runspace, string> FailedConnects = [];
    private static EmbeddedServer? _server;
    private static Connection? _embedded;
    private static bool _processHooked;

    /// <summary>The embedded server's process, when running (for Get-ObsConnection-style reporting and tests).</summary>
    public static EmbeddedServer? Server
    {
        get
        {
            lock (Gate)
            {
                return _server;
            }
        }
    }

    /// <summary>The runspace's connection without starting anything: the explicit one, or the shared embedded one if it uses it.</summary>
    public static Connection? Peek(Runspace? runspace)
    {
        lock (Gate)
        {
            if (runspace is not null && Explicit.TryGetValue(runspace, out var c))
            {
                return c;
            }

            return runspace is not null && EmbeddedUsers.Contains(runspace) ? _embedded : null;
        }
    }

    /// <summary>The runspace's connection, starting the embedded server when it has none.</summary>
    public static Connection Require(Runspace? runspace, CancellationToken cancellationToken)
    {
        lock (Gate)
        {
            if (runspace is not null && Explicit.TryGetValue(runspace, out var c))
            {
                return c;
            }

            // A runspace whose Connect-ObsServer failed meant another server: using the embedded one (another database) would be a silent switch.
            if (runspace is not null && FailedConnects.TryGetValue(runspace, out var failed))
            {
                throw new ObsNotConnectedException($"Not connected: Connect-ObsServer to {failed} failed. Run Connect-ObsServer again, or Disconnect-ObsServer to use the embedded server.");
            }

            if (_server is { HasExited: true })
            {
                StopEmbedded();
            }

            // Found by the import's warm-up, before anyone used it: $env:OBSSCALING_DATABASE may have changed since.
            if (_server is not null && EmbeddedUsers.Count == 0 && _server.DatabasePath != EmbeddedServer.LocateDatabase())
            {
                StopEmbedded();
            }

            if (_server is null)
            {
                var server = EmbeddedServer.Start(cancellationToken);
                _server = server;
                _embedded = new Connection(Connection.NewChannel(server.Address), server.Address, null, embedded: true);
                HookProcessExit();
            }

            if (runspace is not null && EmbeddedUsers.Add(runspace))
            {
                runspace.StateChanged += OnRunspaceStateChanged;
            }

            return _embedded!;
        }
    }

    /// <summary>
    /// At module import, on a background thread while the host finishes starting: when a shared server of this
    /// database is already running (never starting one), connect to it and make one cheap call, so the first cmdlet
    /// finds the channel, its HTTP/2 connection and the gRPC client code ready (about 0.25 s of a fresh process's
    /// first call otherwise); and read a two-line paper CSV, for the CSV reader's first use (about 70 ms).
    /// Failures are ignored: the first real call reports them.
    /// </summary>
    public static void WarmUp()
    {
        _ = Task.Run(() =>
        {
            Connection? connection = null;
            try
            {
                var found = EmbeddedServer.Find(EmbeddedServer.LocateServer(), EmbeddedServer.LocateDatabase());
                if (found is not null)
                {
                    lock (Gate)
                    {
                        if (_server is null)
                        {
                            _server = found;
                            _embedded = connection = new Connection(Connection.NewChannel(found.Address), found.Address, null, embedded: true);
                            HookProcessExit();
                        }
                    }
                }

                connection?.Client.ListDatasets(new V1.ListDatasetsRequest { PageSize = 1 }, deadline: DateTime.UtcNow.AddSeconds(10));
            }
            catch (Exception ex) when (ex is RpcException or IOException or InvalidOperationException or ArgumentException or UnauthorizedAccessException)
            {
            }

            try
            {
                using var csv = new StringReader("Model,Model Family,MMLU\nwarm-up,warm-up,0.5\n");
                _ = ObsScaling.Core.Import.PaperCsvReader.Read(csv, "warm-up");
            }
            catch (Exception ex) when (ex is ObsScaling.Core.Domain.ObsValidationException or InvalidOperationException or FormatException)
            {
            }
        });
    }

    /// <summary>
    /// Attaches an existing channel to a runspace, as Connect-ObsServer would: for hosts that run the server
    /// in the same process (an in-memory TestHost, say) and reach it without a socket.
    /// </summary>
    internal static Connection Attach(Runspace runspace, GrpcChannel channel, string endpoint)
    {
        ArgumentNullException.ThrowIfNull(runspace);
        var connection = new Connection(channel, endpoint, apiKey: null, embedded: false);
        lock (Gate)
        {
            Release(runspace);
            Explicit.Add(runspace, connection);
            runspace.StateChanged += OnRunspaceStateChanged;
        }

        return connection;
    }

    /// <summary>Makes a checked connection the runspace's, replacing the previous one only now that the new one answered.</summary>
    public static void Adopt(Runspace runspace, Connection connection)
    {
        ArgumentNullException.ThrowIfNull(runspace);
        lock (Gate)
        {
            Release(runspace);
            FailedConnects.Remove(runspace);
            Explicit.Add(runspace, connection);
            runspace.StateChanged += OnRunspaceStateChanged;
        }
    }

    /// <summary>Records a failed Connect-ObsServer: the previous connection stays; without one, later calls fail instead of starting the embedded server.</summary>
    public static void ConnectFailed(Runspace runspace, string endpoint)
    {
        ArgumentNullException.ThrowIfNull(runspace);
        lock (Gate)
        {
            if (!Explicit.TryGetValue(runspace, out _))
            {
                FailedConnects.AddOrUpdate(runspace, endpoint);
            }
        }
    }

    public static Connection Connect(Runspace? runspace, Uri endpoint, string? apiKey)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var address = endpoint.GetLeftPart(UriPartial.Authority);
        var connection = new Connection(Connection.NewChannel(address), address, apiKey, embedded: false);
        if (runspace is null)
        {
            return connection;
        }

        lock (Gate)
        {
            Release(runspace);
            Explicit.Add(runspace, connection);
            runspace.StateChanged += OnRunspaceStateChanged;
        }

        return connection;
    }

    /// <summary>Drops the runspace's connection (stopping the embedded server if nobody else uses it); returns what was dropped.</summary>
    public static Connection? Disconnect(Runspace? runspace)
    {
        if (runspace is null)
        {
            return null;
        }

        lock (Gate)
        {
            FailedConnects.Remove(runspace);
            return Release(runspace);
        }
    }

    /// <summary>Module removal: stop the embedded server.</summary>
    public static void Shutdown()
    {
        lock (Gate)
        {
            EmbeddedUsers.Clear();
            StopEmbedded();
        }
    }

    private static Connection? Release(Runspace runspace)
    {
        runspace.StateChanged -= OnRunspaceStateChanged;
        if (Explicit.TryGetValue(runspace, out var c))
        {
            Explicit.Remove(runspace);
            c.Dispose();
            return c;
        }

        if (EmbeddedUsers.Remove(runspace))
        {
            var was = _embedded;
            if (EmbeddedUsers.Count == 0)
            {
                StopEmbedded();
            }

            return was;
        }

        return null;
    }

    private static void OnRunspaceStateChanged(object? sender, RunspaceStateEventArgs e)
    {
        if (sender is Runspace runspace && e.RunspaceStateInfo.State is RunspaceState.Closed or RunspaceState.Broken)
        {
            Disconnect(runspace);
        }
    }

    private static void StopEmbedded()
    {
        _embedded?.Dispose();
        _embedded = null;
        _server?.Dispose();
        _server = null;
    }

    private static void HookProcessExit()
    {
        if (!_processHooked)
        {
            _processHooked = true;
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Shutdown();
        }
    }
}

/// <summary>The runspace has no usable connection (its Connect-ObsServer failed).</summary>
public sealed class ObsNotConnectedException : InvalidOperationException
{
    public ObsNotConnectedException()
    {
    }

    public ObsNotConnectedException(string message)
        : base(message)
    {
    }

    public ObsNotConnectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
