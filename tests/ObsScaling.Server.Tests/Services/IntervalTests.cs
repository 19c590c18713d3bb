using Grpc.Core;
using ObsScaling.Core.Synthetic;
using ObsScaling.Server.Tests.Support;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Services;

/// <summary>Forecast intervals through the contract: stored with the fit, reproduced for later forecasts.</summary>
public class IntervalTests
{
    [Theory]
    [InlineData(V1.IntervalMethod.FamilyBootstrap, 43)]
    [InlineData(V1.IntervalMethod.ModelBootstrap, 41)]
    [InlineData(V1.IntervalMethod.Parametric, 41)]
    public async Task Forecasts_carry_the_same_interval_as_the_fit_gave_the_model(V1.IntervalMethod method, int inside)
    {
        await using var server = await ServerHandle.InMemoryAsync();
        var zoo = SyntheticZoo.Generate(new SyntheticZooOptions { Seed = 3, Families = 14, ModelsPerFamily = 5, DownstreamNoise = 0.02 });
        await Uploads.ImportAsync(server.Client, "zoo", zoo.Models);
        var spec = new V1.FitSpec
        {
            Target = "downstream",
            CapabilityMetrics = { zoo.BenchmarkNames },
            Split = new V1.Split { Kind = V1.SplitKind.Cutoff, Column = "flops", Threshold = 30 },
            Intervals = new V1.IntervalSettings { Method = method, Level = 0.9, Resamples = 200, Seed = 5 },
        };
        var fit = await Uploads.FitAsync(server.Client, "zoo", spec, "with-intervals");
        Assert.True(fit.HasCoverage);
        // Seeded and deterministic: exactly this many of the 44 test models fall inside their 90% interval.
        Assert.Equal(inside / 44.0, fit.Coverage);
        Assert.All(fit.Predictions, p => Assert.True(p.HasLower && p.Lower < p.Upper, $"{p.Model}: no interval"));
        Assert.Equal(method, fit.Intervals.Method);
        Assert.Equal(method == V1.IntervalMethod.Parametric ? 0 : 200, fit.Intervals.Noise.Count);

        // A later forecast at the same PC coordinates gets the same interval, and its raw-scale ends.
        var heldOut = fit.Predictions.Where(p => !p.InTrain).Take(5).ToArray();
        using var call = server.Client.Forecast();
        await call.RequestStream.WriteAsync(new V1.ForecastRequest { Setup = new V1.ForecastSetup { Fit = fit.Name } });
        foreach (var p in heldOut)
        {
            await call.RequestStream.WriteAsync(new V1.ForecastRequest { Input = new V1.ForecastInput { Model = p.Model, Coordinates = new V1.Coordinates { Values = { p.Predictors } } } });
        }

        await call.RequestStream.CompleteAsync();
        var results = await call.ResponseStream.ReadAllAsync().Select(r => r.Result).ToListAsync();
        for (var i = 0; i < heldOut.Length; i++)
        {
            Assert.Equal(heldOut[i].Lower, results[i].Lower, 12);
            Assert.Equal(heldOut[i].Upper, results[i].Upper, 12);
            Assert.Equal(results[i].Lower, results[i].LowerRaw, 12);
        }
    }

    [Fact]
    public async Task Bad_interval_settings_are_invalid_arguments_naming_the_field()
    {
        await using var server = await ServerHandle.InMemoryAsync();
        var zoo = SyntheticZoo.Generate(new SyntheticZooOptions { Seed = 3, Families = 6 });
        await Uploads.ImportAsync(server.Client, "zoo", zoo.Models);
        var spec = new V1.FitSpec
        {
            Target = "downstream",
            CapabilityMetrics = { zoo.BenchmarkNames },
            Split = new V1.Split { Kind = V1.SplitKind.Cutoff, Column = "flops", Threshold = 30 },
            Intervals = new V1.IntervalSettings { Method = V1.IntervalMethod.FamilyBootstrap, Level = 1.5 },
        };
        var ex = await Assert.ThrowsAsync<RpcException>(() => Uploads.FitAsync(server.Client, "zoo", spec));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains("intervals.level", ex.Status.Detail, StringComparison.Ordinal);
    }
}
