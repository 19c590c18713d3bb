using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using Grpc.Core;
using ObsScaling.PowerShell.Cmdlets;
using ObsScaling.PowerShell.Session;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.PowerShell.Completion;

/// <summary>
/// Shared plumbing: ask the session's server with a short deadline, and only a server the session already uses:
/// completing never starts the embedded server (a Tab is no reason to spawn a process).
/// </summary>
public abstract class ServiceCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        ArgumentNullException.ThrowIfNull(fakeBoundParameters);
        var connection = ObsSession.Peek(Runspace.DefaultRunspace);
        if (connection is null)
        {
            return [];
        }

        var prefix = (wordToComplete ?? "").Trim('\'', '"');
        try
        {
            var options = new CallOptions(headers: connection.Headers(), deadline: DateTime.UtcNow.AddSeconds(2));
            return Candidates(connection.Client, options, fakeBoundParameters)
                .Where(c => c.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.OrdinalIgnoreCase)
                .Select(c => new CompletionResult(Quote(c), c, CompletionResultType.ParameterValue, c))
                .ToArray();
        }
        catch (RpcException)
        {
            return [];
        }
    }

    internal abstract IEnumerable<string> Candidates(V1.ObsScaling.ObsScalingClient client, CallOptions options, IDictionary bound);

    internal static string? BoundDataset(IDictionary bound)
    {
        foreach (var key in new[] { "Dataset", "Name" })
        {
            if (bound.Contains(key) && bound[key] is { } v)
            {
                var s = (v is PSObject p ? p.BaseObject : v).ToString();
                if (!string.IsNullOrEmpty(s))
                {
                    return s;
                }
            }
        }

        return null;
    }

    private static string Quote(string value) =>
        value.Any(c => char.IsWhiteSpace(c) || c is '(' or ')' or ',' or ';' or '\'' or '"' or '$' or '{' or '}' or '@' or '#')
            ? "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'"
            : value;
}

/// <summary>Completes dataset IDs.</summary>
public sealed class DatasetCompleter : ServiceCompleter
{
    internal override IEnumerable<string> Candidates(V1.ObsScaling.ObsScalingClient client, CallOptions options, IDictionary bound) =>
        ServiceQueries.ListDatasetsAsync(client, options).GetAwaiter().GetResult().Select(d => Names.DatasetId(d.Name));
}

/// <summary>Completes metric names: of the dataset bound to -Dataset, else of every dataset.</summary>
public sealed class MetricCompleter : ServiceCompleter
{
    internal override IEnumerable<string> Candidates(V1.ObsScaling.ObsScalingClient client, CallOptions options, IDictionary bound)
    {
        var dataset = BoundDataset(bound);
        if (dataset is not null)
        {
            return client.GetDataset(new V1.GetDatasetRequest { Name = Names.Dataset(dataset) }, options).Metrics.Select(m => m.Name);
        }

        return ServiceQueries.ListDatasetsAsync(client, options).GetAwaiter().GetResult().SelectMany(d => d.Metrics.Select(m => m.Name));
    }
}

/// <summary>Completes fit resource names (datasets/{dataset}/fits/{fit}).</summary>
public sealed class FitCompleter : ServiceCompleter
{
    internal override IEnumerable<string> Candidates(V1.ObsScaling.ObsScalingClient client, CallOptions options, IDictionary bound)
    {
        var dataset = BoundDataset(bound);
        var datasets = dataset is not null
            ? [Names.Dataset(dataset)]
            : ServiceQueries.ListDatasetsAsync(client, options).GetAwaiter().GetResult().Select(d => d.Name).ToList();
        return datasets.SelectMany(d => client.ListFits(new V1.ListFitsRequest { Parent = d, PageSize = 1000 }, options).Fits.Select(f => f.Name));
    }
}

/// <summary>Completes family names: of the dataset bound to -Dataset, else of every dataset.</summary>
public sealed class FamilyCompleter : ServiceCompleter
{
    internal override IEnumerable<string> Candidates(V1.ObsScaling.ObsScalingClient client, CallOptions options, IDictionary bound) =>
        Datasets(client, options, bound).SelectMany(d => d.Families);

    internal static IEnumerable<V1.Dataset> Datasets(V1.ObsScaling.ObsScalingClient client, CallOptions options, IDictionary bound) =>
        BoundDataset(bound) is { } dataset
            ? [client.GetDataset(new V1.GetDatasetRequest { Name = Names.Dataset(dataset) }, options)]
            : ServiceQueries.ListDatasetsAsync(client, options).GetAwaiter().GetResult();
}

/// <summary>Completes split and sweep columns: the metadata columns, @target, and the metrics of the dataset.</summary>
public sealed class SplitColumnCompleter : ServiceCompleter
{
    private static readonly string[] MetadataColumns = [Core.Domain.ModelColumns.FlopsE21, Core.Domain.ModelColumns.ParametersB, Core.Domain.ModelColumns.TokensT, "@target"];

    internal override IEnumerable<string> Candidates(V1.ObsScaling.ObsScalingClient client, CallOptions options, IDictionary bound) =>
        MetadataColumns
            .Concat(FamilyCompleter.Datasets(client, options, bound).SelectMany(d => d.Metrics.Select(m => m.Name)));
}

/// <summary>Completes model names of the dataset bound to -Dataset (nothing without one: listing every dataset's models is too slow for a Tab).</summary>
public sealed class ModelCompleter : ServiceCompleter
{
    internal override IEnumerable<string> Candidates(V1.ObsScaling.ObsScalingClient client, CallOptions options, IDictionary bound) =>
        BoundDataset(bound) is { } dataset
            ? ServiceQueries.ListModelsAsync(client, dataset, options).GetAwaiter().GetResult().Select(m => m.Name)
            : [];
}
