using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using ObsScaling.Core.Domain;
using ObsScaling.Core.Synthetic;
using ObsScaling.Server.Mapping;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Errors;

/// <summary>Assertions on rich gRPC errors: the exact code, then the google.rpc details unpacked from the status.</summary>
internal static class Rpc
{
    /// <summary>
    /// Runs the call, expects an <see cref="RpcException"/> with exactly <paramref name="code"/>, and returns its rich
    /// status. Statuses made by gRPC itself (a deadline, a size limit) carry no rich status: they come back as a bare
    /// google.rpc.Status without details.
    /// </summary>
    public static async Task<Google.Rpc.Status> FailsAsync(StatusCode code, Func<Task> call)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(call);
        Assert.True(code == ex.StatusCode, $"expected {code}, got {ex.StatusCode}: {ex.Status.Detail}");
        var status = ex.GetRpcStatus();
        if (status is null)
        {
            return new Google.Rpc.Status { Code = (int)code, Message = ex.Status.Detail };
        }

        Assert.Equal((int)code, status.Code);
        Assert.Equal(ex.Status.Detail, status.Message);
        return status;
    }

    public static T Detail<T>(Google.Rpc.Status status)
        where T : class, IMessage<T>, new()
    {
        var detail = status.GetDetail<T>();
        Assert.True(detail is not null, $"no {typeof(T).Name} in the status details of '{status.Message}' ({string.Join(", ", status.Details.Select(d => d.TypeUrl))})");
        return detail;
    }

    /// <summary>The BadRequest violation of <paramref name="field"/>; its description quotes <paramref name="value"/>.</summary>
    public static BadRequest.Types.FieldViolation Violation(Google.Rpc.Status status, string field, string value)
    {
        var bad = Detail<BadRequest>(status);
        var v = bad.FieldViolations.FirstOrDefault(x => x.Field == field);
        Assert.True(v is not null, $"no violation of '{field}' in: {string.Join("; ", bad.FieldViolations.Select(x => x.Field + ": " + x.Description))}");
        Assert.Contains($"(got '{value}')", v.Description, StringComparison.Ordinal);
        return v;
    }

    /// <summary>INVALID_ARGUMENT naming <paramref name="field"/> with <paramref name="value"/>; returns the description.</summary>
    public static async Task<string> InvalidAsync(Func<Task> call, string field, string value)
    {
        var status = await FailsAsync(StatusCode.InvalidArgument, call);
        Assert.Null(status.GetDetail<PreconditionFailure>());
        return Violation(status, field, value).Description;
    }

    /// <summary>FAILED_PRECONDITION whose PreconditionFailure names <paramref name="subject"/> with <paramref name="value"/>.</summary>
    public static async Task<string> PreconditionAsync(Func<Task> call, string subject, string value)
    {
        var status = await FailsAsync(StatusCode.FailedPrecondition, call);
        var failure = Detail<PreconditionFailure>(status);
        var v = failure.Violations.FirstOrDefault(x => x.Subject == subject);
        Assert.True(v is not null, $"no precondition violation of '{subject}' in: {string.Join("; ", failure.Violations.Select(x => x.Subject + ": " + x.Description))}");
        Assert.Equal("DATA", v.Type);
        Assert.Contains($"(got '{value}')", v.Description, StringComparison.Ordinal);
        return v.Description;
    }

    public static async Task<ResourceInfo> NotFoundAsync(Func<Task> call, string type, string name) =>
        Resource(await FailsAsync(StatusCode.NotFound, call), type, name);

    public static async Task<ResourceInfo> ExistsAsync(Func<Task> call, string type, string name) =>
        Resource(await FailsAsync(StatusCode.AlreadyExists, call), type, name);

    private static ResourceInfo Resource(Google.Rpc.Status status, string type, string name)
    {
        var info = Detail<ResourceInfo>(status);
        Assert.Equal(type, info.ResourceType);
        Assert.Equal(name, info.ResourceName);
        return info;
    }

    /// <summary>
    /// A client-streaming import of arbitrary messages, as a careless client would send them. Writes that fail
    /// because the server already answered are ignored: the call's status is what counts.
    /// </summary>
    public static async Task<V1.ImportModelsResponse> ImportRawAsync(V1.ObsScaling.ObsScalingClient client, IEnumerable<V1.ImportModelsRequest> messages, CallOptions options = default)
    {
        using var call = client.ImportModels(options);
        try
        {
            foreach (var m in messages)
            {
                await call.RequestStream.WriteAsync(m);
            }

            await call.RequestStream.CompleteAsync();
        }
        catch (RpcException)
        {
        }
        catch (InvalidOperationException)
        {
        }

        return await call.ResponseAsync;
    }

    /// <summary>A header declaring <paramref name="metrics"/> (each on [0, 1] unless given), followed by the models.</summary>
    public static IEnumerable<V1.ImportModelsRequest> Import(string dataset, IEnumerable<V1.Metric> metrics, params V1.Model[] models)
    {
        var header = new V1.ImportHeader { Dataset = dataset };
        header.Metrics.AddRange(metrics);
        yield return new V1.ImportModelsRequest { Header = header };
        foreach (var m in models)
        {
            yield return new V1.ImportModelsRequest { Model = m };
        }
    }

    public static V1.Metric Metric(string name, double min = 0, double max = 1) => new() { Name = name, Min = min, Max = max };

    public static V1.Model Model(string name, string family = "f", params (string Metric, double Score)[] scores)
    {
        var m = new V1.Model { Name = name, Family = family, ParametersB = 1, TokensT = 1 };
        foreach (var (metric, score) in scores)
        {
            m.Scores[metric] = score;
        }

        return m;
    }

    /// <summary>A small seeded zoo (20 models in 4 families, bench-1..8 and "downstream").</summary>
    public static ModelSet SmallZoo(int seed = 3, int families = 4, int perFamily = 5, double missing = 0) =>
        SyntheticZoo.Generate(new SyntheticZooOptions { Seed = seed, Families = families, ModelsPerFamily = perFamily, MissingFraction = missing }).Models;

    public static IEnumerable<V1.Metric> Metrics(ModelSet set) => set.OrderedMetrics().Select(m => m.ToProto());

    public static V1.FitSpec DownstreamSpec() => new()
    {
        Target = "downstream",
        Predictors = new V1.Predictors { Kind = V1.PredictorKind.PrincipalComponents, Components = 2 },
        PcaComponents = 3,
        Split = new V1.Split { Kind = V1.SplitKind.TopFraction, Column = "flops", Fraction = 0.25 },
        ReferenceFamily = "family-01",
    };

    public static async Task<List<V1.FitEvent>> FitEventsAsync(V1.ObsScaling.ObsScalingClient client, V1.CreateFitRequest request, CallOptions options = default)
    {
        using var call = client.CreateFit(request, options);
        var events = new List<V1.FitEvent>();
        await foreach (var e in call.ResponseStream.ReadAllAsync())
        {
            events.Add(e);
        }

        return events;
    }

    public static async Task<List<V1.SelectSubsetEvent>> SelectAsync(V1.ObsScaling.ObsScalingClient client, V1.SelectSubsetRequest request, CallOptions options = default)
    {
        using var call = client.SelectSubset(request, options);
        var events = new List<V1.SelectSubsetEvent>();
        await foreach (var e in call.ResponseStream.ReadAllAsync())
        {
            events.Add(e);
        }

        return events;
    }

    /// <summary>Runs a Forecast stream with the given messages and collects the answers (throws the call's error).</summary>
    public static async Task<List<V1.ForecastResult>> ForecastAsync(V1.ObsScaling.ObsScalingClient client, params V1.ForecastRequest[] messages)
    {
        using var call = client.Forecast();
        try
        {
            foreach (var m in messages)
            {
                await call.RequestStream.WriteAsync(m);
            }

            await call.RequestStream.CompleteAsync();
        }
        catch (RpcException)
        {
        }
        catch (InvalidOperationException)
        {
        }

        var results = new List<V1.ForecastResult>();
        await foreach (var r in call.ResponseStream.ReadAllAsync())
        {
            results.Add(r.Result);
        }

        return results;
    }

    /// <summary>Throws when a server-side failure message would leak internals: exception type names or stack frames.</summary>
    public static void NoInternals(string message)
    {
        foreach (var leak in new[] { "Exception", "   at ", "System.", "Microsoft.", "Google.Protobuf", "ObsScaling.Server", "Sqlite", "InvalidProtocolBuffer", "While parsing", "stack" })
        {
            Assert.DoesNotContain(leak, message, StringComparison.OrdinalIgnoreCase);
        }
    }
}
