using System.Management.Automation;
using Grpc.Core;
using Grpc.Net.Client;
using ObsScaling.PowerShell.Session;
using ObsScaling.PowerShell.Tests.Support;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.PowerShell.Tests.Session;

/// <summary>
/// The one reader of <c>oneof { progress, result }</c> streams: events given in a fixed order (what a stream may
/// legally or illegally carry), then the real CreateFit stream of a loopback server, read to its end and stopped midway.
/// </summary>
public sealed class ProgressStreamTests(KestrelServer server) : IClassFixture<KestrelServer>
{
    private static readonly ProgressStream<V1.FitEvent, V1.Fit> Fits = new(7, e => e.Progress, e => e.Fit);

    [Fact]
    public void Progress_events_become_records_in_order_and_the_result_is_returned_after_a_completed_record()
    {
        var records = new List<ProgressRecord>();
        var fit = Fits.Read(
            new Events<V1.FitEvent>(Progress("load", 0.1, ""), Progress("fit", 0.5, "start 2 of 4"), new V1.FitEvent { Fit = new V1.Fit { Name = "datasets/d/fits/f" } }),
            "Fitting y on d",
            records.Add,
            CancellationToken.None);

        Assert.Equal("datasets/d/fits/f", fit.Name);
        Assert.Equal(3, records.Count);
        Assert.All(records, r => Assert.Equal((7, "Fitting y on d"), (r.ActivityId, r.Activity)));
        Assert.Equal(("load", 10, "load"), (records[0].StatusDescription, records[0].PercentComplete, records[0].CurrentOperation));
        Assert.Equal(("start 2 of 4", 50, "fit"), (records[1].StatusDescription, records[1].PercentComplete, records[1].CurrentOperation));
        Assert.Equal(ProgressRecordType.Completed, records[2].RecordType);
    }

    [Theory]
    [InlineData(1.7, 100)]
    [InlineData(-0.2, 0)]
    [InlineData(double.NaN, 0)]
    [InlineData(0.333, 33)]
    public void A_fraction_outside_zero_to_one_is_clamped_rather_than_thrown(double fraction, int percent)
    {
        var records = new List<ProgressRecord>();
        Fits.Read(new Events<V1.FitEvent>(Progress("fit", fraction, ""), new V1.FitEvent { Fit = new V1.Fit() }), "a", records.Add, CancellationToken.None);
        Assert.Equal(percent, records[0].PercentComplete);
        Assert.Equal("fit", records[0].StatusDescription);
    }

    [Fact]
    public void A_stream_without_a_result_or_with_two_is_an_error_naming_the_activity()
    {
        var records = new List<ProgressRecord>();
        var none = Assert.Throws<InvalidOperationException>(() => Fits.Read(new Events<V1.FitEvent>(Progress("fit", 0.5, "")), "Fitting y on d", records.Add, CancellationToken.None));
        Assert.Contains("Fitting y on d", none.Message, StringComparison.Ordinal);
        Assert.Contains("without a result", none.Message, StringComparison.Ordinal);
        // The bar is closed even so.
        Assert.Equal(ProgressRecordType.Completed, records[^1].RecordType);

        var two = Assert.Throws<InvalidOperationException>(() => Fits.Read(new Events<V1.FitEvent>(new V1.FitEvent { Fit = new V1.Fit() }, new V1.FitEvent { Fit = new V1.Fit() }), "b", _ => { }, CancellationToken.None));
        Assert.Contains("second result", two.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_event_with_neither_case_set_is_skipped()
    {
        var fit = Fits.Read(new Events<V1.FitEvent>(new V1.FitEvent(), new V1.FitEvent { Fit = new V1.Fit { Name = "x" } }), "a", _ => { }, CancellationToken.None);
        Assert.Equal("x", fit.Name);
    }

    [Fact]
    public async Task Reads_the_servers_CreateFit_stream_to_its_stored_fit()
    {
        var (client, dataset) = await Dataset("stream-read");
        var records = new List<ProgressRecord>();
        using var call = client.CreateFit(FitRequest(dataset, "read"));
        var fit = Fits.Read(call.ResponseStream, "Fitting downstream", records.Add, CancellationToken.None);

        Assert.Equal($"{dataset}/fits/read", fit.Name);
        Assert.True(records.Count >= 2, $"{records.Count} records");
        Assert.All(records[..^1], r => Assert.Equal(ProgressRecordType.Processing, r.RecordType));
        Assert.Equal(ProgressRecordType.Completed, records[^1].RecordType);
        var stored = await client.GetFitAsync(new V1.GetFitRequest { Name = fit.Name });
        Assert.Equal(stored.Law, fit.Law);
    }

    [Fact]
    public async Task Cancelling_midway_stops_the_pipeline_and_writes_no_more_progress()
    {
        var (client, dataset) = await Dataset("stream-stop");
        using var stop = new CancellationTokenSource();
        var records = new List<ProgressRecord>();
        var request = FitRequest(dataset, "stopped");
        request.Spec.Intervals = new V1.IntervalSettings { Method = V1.IntervalMethod.ModelBootstrap, Resamples = 2000 };
        using var call = client.CreateFit(request, cancellationToken: stop.Token);

        // Stop() as PowerShell calls it: from another thread, once the first progress record is out.
        Assert.Throws<PipelineStoppedException>(() => Fits.Read(call.ResponseStream, "Fitting downstream", r =>
        {
            records.Add(r);
            stop.Cancel();
        }, stop.Token));
        Assert.Single(records);
        Assert.Equal(ProgressRecordType.Processing, records[0].RecordType);
        await Assert.ThrowsAsync<RpcException>(() => client.GetFitAsync(new V1.GetFitRequest { Name = $"{dataset}/fits/stopped" }).ResponseAsync);
    }

    private static V1.FitEvent Progress(string stage, double fraction, string message) => new() { Progress = new V1.Progress { Stage = stage, Fraction = fraction, Message = message } };

    private static V1.CreateFitRequest FitRequest(string dataset, string id)
    {
        var spec = new V1.FitSpec
        {
            Target = "downstream",
            Predictors = new V1.Predictors { Kind = V1.PredictorKind.PrincipalComponents, Components = 3 },
            Split = new V1.Split { Kind = V1.SplitKind.Random, Fraction = 0.25, Seed = 3 },
        };
        spec.CapabilityMetrics.AddRange(Enumerable.Range(1, 8).Select(i => $"bench-{i}"));
        return new V1.CreateFitRequest { Parent = dataset, FitId = id, Spec = spec };
    }

    private async Task<(V1.ObsScaling.ObsScalingClient Client, string Dataset)> Dataset(string name)
    {
        using (var host = server.Connect())
        {
            host.RunClean($"New-ObsSyntheticZoo -Seed 4 -Families 6 -ModelsPerFamily 4 | Import-ObsModel -Dataset {name} -Mode Replace -Confirm:$false | Out-Null");
        }

        var client = new V1.ObsScaling.ObsScalingClient(GrpcChannel.ForAddress(server.Address));
        await client.GetDatasetAsync(new V1.GetDatasetRequest { Name = $"datasets/{name}" });
        return (client, $"datasets/{name}");
    }

    /// <summary>A stream that has already arrived: the events as given, in order.</summary>
    private sealed class Events<T>(params T[] events) : IAsyncStreamReader<T>
    {
        private int _next = -1;

        public T Current => events[_next];

        public Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return Task.FromResult(++_next < events.Length);
        }
    }
}
