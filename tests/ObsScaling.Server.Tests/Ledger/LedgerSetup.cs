using ObsScaling.Core.Domain;
using ObsScaling.Core.Synthetic;
using ObsScaling.Server.Tests.Support;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Tests.Ledger;

/// <summary>
/// A seeded synthetic zoo split into what is known (imported, fitted) and five upcoming models whose benchmark
/// scores are known but whose downstream score is not — the situation a preregistration is made in.
/// </summary>
internal sealed class LedgerSetup
{
    public const string Known = "zoo";
    public const string Upcoming = "upcoming";
    public const string FitId = "law";

    public LedgerSetup(int seed = 11)
    {
        Zoo = SyntheticZoo.Generate(new SyntheticZooOptions { Seed = seed, Families = 12, ModelsPerFamily = 5 });
        var byFlops = Zoo.Models.Models.OrderByDescending(m => m.FlopsE21).ToList();
        UpcomingModels = byFlops.Take(5).ToList();
        var upcoming = UpcomingModels.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        KnownModels = Zoo.Models.Where(m => !upcoming.Contains(m.Name));
        UpcomingWithoutTarget = new ModelSet(UpcomingModels.Select(m => m with { Scores = m.Scores.Remove("downstream") }), Zoo.Models.OrderedMetrics());
        UpcomingWithTarget = new ModelSet(UpcomingModels, Zoo.Models.OrderedMetrics());
    }

    public SyntheticZoo Zoo { get; }

    public ModelSet KnownModels { get; }

    public IReadOnlyList<ModelRecord> UpcomingModels { get; }

    public ModelSet UpcomingWithoutTarget { get; }

    public ModelSet UpcomingWithTarget { get; }

    public static string FitName => $"datasets/{Known}/fits/{FitId}";

    public V1.FitSpec Spec(bool intervals = true)
    {
        var spec = new V1.FitSpec
        {
            Target = "downstream",
            CapabilityMetrics = { Zoo.BenchmarkNames },
            Split = new V1.Split { Kind = V1.SplitKind.TopFraction, Column = "FLOPs (1E21)", Fraction = 0.2 },
            ReferenceFamily = "family-01",
        };
        if (intervals)
        {
            spec.Intervals = new V1.IntervalSettings { Method = V1.IntervalMethod.Parametric, Level = 0.9 };
        }

        return spec;
    }

    /// <summary>Imports the known models and the upcoming ones (without their target) and fits the law.</summary>
    public async Task<V1.Fit> PrepareAsync(V1.ObsScaling.ObsScalingClient client, bool intervals = true)
    {
        await Uploads.ImportAsync(client, Known, KnownModels);
        await Uploads.ImportAsync(client, Upcoming, UpcomingWithoutTarget);
        return await Uploads.FitAsync(client, Known, Spec(intervals), FitId);
    }

    public static V1.CreatePreregistrationsRequest FromUpcoming(string ledger, IEnumerable<string> models) => new()
    {
        Parent = "ledgers/" + ledger,
        Fit = FitName,
        SourceDataset = "datasets/" + Upcoming,
        Models = { models },
    };
}
