using System.Management.Automation;
using System.Management.Automation.Runspaces;
using Grpc.Core;
using ObsScaling.PowerShell.Session;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.PowerShell.Cmdlets;

/// <summary>
/// Base of the cmdlets that call the service: the runspace's connection (the embedded server when none), call
/// options with the API key and a cancellation token that <see cref="StopProcessing"/> (Ctrl+C) cancels, and the
/// mapping of gRPC failures to PowerShell errors. Calls block the pipeline thread, so streamed messages are read
/// and written (WriteProgress, WriteObject) on it.
/// </summary>
public abstract class ObsCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, V1.Fit?> _fits = new(StringComparer.Ordinal);
    private Connection? _connection;

    protected CancellationToken CallCancelled => _stop.Token;

    internal Connection Connection
    {
        get
        {
            if (_connection is null)
            {
                try
                {
                    _connection = ObsSession.Require(Runspace.DefaultRunspace, CallCancelled);
                }
                catch (OperationCanceledException)
                {
                    throw new PipelineStoppedException();
                }
                catch (ObsNotConnectedException ex)
                {
                    ThrowTerminatingError(new ErrorRecord(ex, "ObsNotConnected", ErrorCategory.ConnectionError, null));
                }
                catch (ArgumentException ex)
                {
                    // A bad setting of the embedded server ($env:OBSSCALING_SERVER_IDLE): the message names it and its value.
                    ThrowTerminatingError(new ErrorRecord(ex, "ObsEmbeddedServerSetting", ErrorCategory.InvalidArgument, EmbeddedServer.IdleVariable));
                }
                catch (Exception ex) when (ex is IOException or InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
                {
                    ThrowTerminatingError(new ErrorRecord(ex, "ObsEmbeddedServerFailed", ErrorCategory.ConnectionError, EmbeddedServer.LocateServer()));
                }
            }

            return _connection!;
        }
    }

    internal V1.ObsScaling.ObsScalingClient Client => Connection.Client;

    /// <summary>A stored fit, fetched once per cmdlet invocation (null, with the error written, when it cannot be read).</summary>
    protected V1.Fit? GetFit(string name)
    {
        if (!_fits.TryGetValue(name, out var fit))
        {
            TryCall(() => fit = Await(Client.GetFitAsync(new V1.GetFitRequest { Name = name }, Call()).ResponseAsync), name);
            _fits[name] = fit;
        }

        return fit;
    }

    protected internal CallOptions Call() => new(headers: Connection.Headers(), cancellationToken: CallCancelled);

    protected override void StopProcessing() => _stop.Cancel();

    /// <summary>Runs a call to completion on the pipeline thread; stops the pipeline when cancelled.</summary>
    protected T Await<T>(Task<T> task)
    {
        ArgumentNullException.ThrowIfNull(task);
        try
        {
            return task.GetAwaiter().GetResult();
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && CallCancelled.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (OperationCanceledException) when (CallCancelled.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    protected void Await(Task task) => Await(Wrap(task));

    /// <summary>Reads the next streamed message (false at the end of the stream).</summary>
    protected internal bool Next<T>(IAsyncStreamReader<T> stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return Await(stream.MoveNext(CallCancelled));
    }

    /// <summary>Runs a call, writing a non-terminating error (and returning false) when the service rejects it.</summary>
    protected internal bool TryCall(Action call, object? target)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            call();
            return true;
        }
        catch (RpcException ex) when (!(ex.StatusCode == StatusCode.Cancelled && CallCancelled.IsCancellationRequested))
        {
            var record = ObsErrors.FromRpc(ex, Connection.Endpoint, target, ex.StatusCode == StatusCode.InvalidArgument ? ValidValues(target) : null);
            if (ex.StatusCode is StatusCode.Unavailable or StatusCode.Unauthenticated)
            {
                // Nothing else in this command can succeed either.
                ThrowTerminatingError(record);
            }

            WriteError(record);
            return false;
        }
        catch (HttpRequestException ex)
        {
            ThrowTerminatingError(ObsErrors.Connection(ex, Connection.Endpoint));
            return false;
        }
    }

    /// <summary>The valid values of a parameter on the dataset a failed call named, fetched once, only when an error needs them.</summary>
    private Func<string, IReadOnlyList<string>?> ValidValues(object? target)
    {
        V1.Dataset? dataset = null;
        var fetched = false;
        return parameter =>
        {
            if (target is not string name || name.Length == 0)
            {
                return null;
            }

            if (!fetched)
            {
                fetched = true;
                try
                {
                    dataset = Client.GetDataset(new V1.GetDatasetRequest { Name = Names.Dataset(name) }, new CallOptions(headers: Connection.Headers(), deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: CallCancelled));
                }
                catch (RpcException)
                {
                }
            }

            if (dataset is null)
            {
                return null;
            }

            var metrics = dataset.Metrics.Select(m => m.Name);
            return ParameterNames.MetricParameters.Contains(parameter) ? metrics.ToArray()
                : ParameterNames.ColumnParameters.Contains(parameter) ? [Core.Domain.ModelColumns.FlopsE21, Core.Domain.ModelColumns.ParametersB, Core.Domain.ModelColumns.TokensT, "@target", .. metrics]
                : ParameterNames.FamilyParameters.Contains(parameter) ? dataset.Families.ToArray()
                : null;
        };
    }

    protected internal void Progress(int activityId, string activity, V1.Progress p, string? target = null) =>
        WriteProgress(ProgressRecords.Of(activityId, target is null ? activity : $"{activity} {target}", p));

    protected internal void CompleteProgress(int activityId, string activity) => WriteProgress(ProgressRecords.Completed(activityId, activity));

    /// <summary>Reads a <c>oneof { progress, result }</c> call to its end on the pipeline thread and returns its result; Ctrl+C stops it.</summary>
    internal TResult Read<TEvent, TResult>(ProgressStream<TEvent, TResult> stream, AsyncServerStreamingCall<TEvent> call, string activity)
        where TEvent : class
        where TResult : class
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(call);
        using (call)
        {
            return stream.Read(call.ResponseStream, activity, WriteProgress, CallCancelled);
        }
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stop.Dispose();
        }
    }

    private static async Task<bool> Wrap(Task task)
    {
        await task.ConfigureAwait(false);
        return true;
    }
}

/// <summary>Resource-name helpers: the cmdlets accept "agents" or "datasets/agents".</summary>
internal static class Names
{
    public static string DatasetId(string dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var d = dataset.Trim();
        if (d.StartsWith("datasets/", StringComparison.Ordinal))
        {
            d = d["datasets/".Length..];
            var slash = d.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0)
            {
                d = d[..slash];
            }
        }

        return d;
    }

    public static string Dataset(string dataset) => "datasets/" + DatasetId(dataset);

    /// <summary>datasets/{d}/fits/{f} from a full name, or from a fit ID and a dataset.</summary>
    public static string Fit(string fit, string? dataset)
    {
        ArgumentNullException.ThrowIfNull(fit);
        if (fit.StartsWith("datasets/", StringComparison.Ordinal))
        {
            return fit;
        }

        return dataset is null ? fit : $"{Dataset(dataset)}/fits/{fit}";
    }

    public static string FitId(string fit) => fit[(fit.LastIndexOf('/') + 1)..];
}
