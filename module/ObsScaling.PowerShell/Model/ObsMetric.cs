using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.PowerShell.Model;

/// <summary>What a score column means: range, random-guess level, direction.</summary>
public sealed class ObsMetric
{
    public string Name { get; set; } = "";

    public double Min { get; set; }

    public double Max { get; set; } = 1;

    public double? Chance { get; set; }

    public bool LowerIsBetter { get; set; }

    public override string ToString() => Name;

    internal static ObsMetric FromProto(V1.Metric m) => new()
    {
        Name = m.Name,
        Min = m.Min == 0 && m.Max == 0 ? 0 : m.Min,
        Max = m.Min == 0 && m.Max == 0 ? 1 : m.Max,
        Chance = m.HasChance ? m.Chance : null,
        LowerIsBetter = m.LowerIsBetter,
    };

    internal static ObsMetric FromDomain(Core.Domain.MetricInfo m) =>
        new() { Name = m.Name, Min = m.Min, Max = m.Max, Chance = m.Chance, LowerIsBetter = !m.HigherIsBetter };

    internal V1.Metric ToProto()
    {
        var p = new V1.Metric { Name = Name, Min = Min, Max = Max, LowerIsBetter = LowerIsBetter };
        if (Chance is { } c)
        {
            p.Chance = c;
        }

        return p;
    }
}
