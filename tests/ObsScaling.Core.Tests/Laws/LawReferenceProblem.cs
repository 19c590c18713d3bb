using System.Text.Json;
using ObsScaling.Core.Laws;

namespace ObsScaling.Core.Tests.Laws;

/// <summary>One problem of golden/laws_reference.json (written by tests/golden/laws_reference.py).</summary>
public sealed record LawReferenceProblem(
    string Name,
    ScalingLawOptions Options,
    double[,] X,
    double[] Y,
    double[] Expected,
    double ExpectedMse,
    double[] Reference,
    double[,] Covariance,
    double[,]? ScipyCovariance)
{
    public override string ToString() => Name;

    public static IReadOnlyList<LawReferenceProblem> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "golden", "laws_reference.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("problems").EnumerateArray().Select(Parse).ToList();
    }

    public static LawReferenceProblem Named(string name) => Load().Single(p => p.Name == name);

    private static LawReferenceProblem Parse(JsonElement e)
    {
        var options = new ScalingLawOptions
        {
            Link = Enum.Parse<LawLink>(e.GetProperty("link").GetString()!),
            Loss = Enum.Parse<LossKind>(e.GetProperty("loss").GetString()!),
            HuberDelta = e.GetProperty("huber_delta").GetDouble(),
            FloorMax = e.GetProperty("floor_max").GetDouble(),
        };
        return new LawReferenceProblem(
            e.GetProperty("name").GetString()!,
            options,
            Matrix(e.GetProperty("x")),
            Vector(e.GetProperty("y")),
            Vector(e.GetProperty("expected")),
            e.GetProperty("expected_mse").GetDouble(),
            Vector(e.GetProperty("reference")),
            Matrix(e.GetProperty("covariance")),
            e.TryGetProperty("scipy_pcov", out var pcov) ? Matrix(pcov) : null);
    }

    private static double[] Vector(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    private static double[,] Matrix(JsonElement e)
    {
        var rows = e.EnumerateArray().Select(Vector).ToArray();
        var m = new double[rows.Length, rows.Length == 0 ? 0 : rows[0].Length];
        for (var i = 0; i < rows.Length; i++)
        {
            for (var j = 0; j < rows[i].Length; j++)
            {
                m[i, j] = rows[i][j];
            }
        }

        return m;
    }
}
