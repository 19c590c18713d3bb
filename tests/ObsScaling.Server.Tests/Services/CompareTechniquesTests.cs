using ObsScaling.Core.Import;
using ObsScaling.Server.Tests.Errors;
using ObsScaling.Server.Tests.Support;
using ObsScaling.Testing;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Services;

/// <summary>CompareTechniques on the paper's post-training data, against the independent reference.</summary>
public class CompareTechniquesTests
{
    [SkippableFact]
    public async Task Gsm8k_techniques_match_the_reference_and_stream_intervals()
    {
        PaperData.SkipIfAbsent();
        await using var server = await ServerHandle.InMemoryAsync();
        var models = PaperDatasets.LoadBase(PaperData.Open).Join(PaperDatasets.Read(PaperData.Open, PaperDatasets.PostTrainingFile));
        await Uploads.ImportAsync(server.Client, "post", models);
        var golden = Golden.File("techniques_reference.json").GetProperty("comparisons").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "gsm8k");

        var request = new V1.CompareTechniquesRequest
        {
            Dataset = "datasets/post",
            Baseline = PaperAnalyses.GsmNaive,
            Techniques = { PaperAnalyses.GsmCot, PaperAnalyses.GsmCotSelfConsistency },
            CapabilityMetrics = { PaperMetrics.NonGsmBenchmarks },
            NoIntervals = true,
        };
        var point = (await Events(server.Client, request)).Last().Result;
        var predicted = golden.GetProperty("predicted").EnumerateArray().Select(r => r.EnumerateArray().Select(x => x.GetDouble()).ToArray()).ToArray();
        Assert.Equal(3 * 101, point.Points.Count);
        var techniques = point.Laws.Select(l => l.Technique).ToList();
        for (var i = 0; i < point.Points.Count; i++)
        {
            var p = point.Points[i];
            Assert.True(Math.Abs(predicted[techniques.IndexOf(p.Technique)][i / 3] - p.Predicted) < 1e-6);
            Assert.False(p.HasGainLower);
        }

        var crossings = golden.GetProperty("crossings").EnumerateArray().ToArray();
        Assert.Equal(crossings.Length, point.Crossings.Count);
        Assert.Equal(crossings[0].GetProperty("log10_flops_e21").GetDouble(), point.Crossings[0].Log10FlopsE21, 4);

        request.NoIntervals = false;
        request.GridFrom = 0;
        request.GridTo = 3;
        request.GridPoints = 4;
        request.Intervals = new V1.IntervalSettings { Resamples = 40, Seed = 2 };
        var events = await Events(server.Client, request);
        Assert.Contains(events, e => e.EventCase == V1.CompareTechniquesEvent.EventOneofCase.Progress);
        var withIntervals = events.Last().Result;
        Assert.Equal(40, withIntervals.Resamples);
        Assert.Equal(0.9, withIntervals.Level);
        Assert.All(withIntervals.Points.Where(p => p.Technique != PaperAnalyses.GsmNaive), p => Assert.True(p.HasGainLower && p.GainLower <= p.GainUpper));
        Assert.All(withIntervals.Crossings, c => Assert.True(c.HasCrossingShare));
    }

    [Fact]
    public async Task Bad_requests_name_their_fields()
    {
        await using var server = await ServerHandle.InMemoryAsync();
        await Uploads.ImportAsync(server.Client, "zoo", Rpc.SmallZoo());
        await Rpc.InvalidAsync(() => Events(server.Client, new V1.CompareTechniquesRequest { Dataset = "datasets/zoo", Baseline = "nope", Techniques = { "downstream" } }), "baseline", "nope");
        await Rpc.InvalidAsync(() => Events(server.Client, new V1.CompareTechniquesRequest { Dataset = "datasets/zoo", Baseline = "downstream" }), "techniques", "");
        await Rpc.InvalidAsync(
            () => Events(server.Client, new V1.CompareTechniquesRequest { Dataset = "datasets/zoo", Baseline = "downstream", Techniques = { "bench-1" }, Intervals = new V1.IntervalSettings { Method = V1.IntervalMethod.Parametric } }),
            "intervals.method",
            "parametric");
        await Rpc.NotFoundAsync(() => Events(server.Client, new V1.CompareTechniquesRequest { Dataset = "nope", Baseline = "x" }), "Dataset", "datasets/nope");
    }

    private static async Task<List<V1.CompareTechniquesEvent>> Events(V1.ObsScaling.ObsScalingClient client, V1.CompareTechniquesRequest request)
    {
        using var call = client.CompareTechniques(request);
        var events = new List<V1.CompareTechniquesEvent>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            events.Add(call.ResponseStream.Current);
        }

        return events;
    }
}
