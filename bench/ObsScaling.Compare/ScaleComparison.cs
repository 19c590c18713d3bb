using System.Globalization;
using System.Reflection;
using System.Text.Json;

namespace ObsScaling.Compare;

/// <summary>
/// Row 4: decompose (impute + PCA) synthetic scores with 50 benchmarks and 30% missing, from 1,000 to 100,000 models;
/// every size in a child process of its own (time and peak memory), Python at the sizes it can finish.
/// </summary>
internal static class ScaleComparison
{
    private const int Benchmarks = 50;
    private const double Missing = 0.3;
    private const int TargetModels = 10_000;

    public static IEnumerable<ComparisonRow> Run(Workspace workspace, TextWriter log)
    {
        int[] sizes = workspace.Quick ? [1_000, 10_000] : [1_000, 3_000, 10_000, 30_000, 100_000];
        int[] pythonSizes = workspace.Quick ? [1_000] : [1_000, 10_000];
        var curve = new List<(int Models, ScaleRun CSharp, double? Python)>();
        var gate = new AgreementGate();
        foreach (var n in sizes)
        {
            var x = ScaleMatrix.Generate(n, Benchmarks, Missing, seed: n);
            var file = workspace.ScratchFile($"scale-{n}.f64");
            var spec = RawArrays.Write(file, x);
            var withPython = pythonSizes.Contains(n);
            var imputedOut = withPython ? workspace.ScratchFile($"scale-{n}.cs-imputed.f64") : null;
            var run = RunChild(file, n, n >= 30_000 ? 1 : 3, imputedOut);
            double? pythonMedian = null;
            if (withPython)
            {
                var pythonOut = workspace.ScratchFile($"scale-{n}.py-imputed.f64");
                var python = workspace.Python.Run("decompose", new Dictionary<string, object>
                {
                    ["scores"] = spec,
                    ["repetitions"] = n <= 1_000 && !workspace.Quick ? 3 : 1,
                    ["warmup"] = 0,
                    ["imputed_out"] = pythonOut,
                }, workspace.Scratch, TimeSpan.FromMinutes(15));
                pythonMedian = python.Median;
                var ours = RawArrays.ReadMatrix(imputedOut!, n, Benchmarks);
                var theirs = RawArrays.ReadMatrix(pythonOut, n, Benchmarks);
                var worst = 0.0;
                for (var i = 0; i < n; i++)
                {
                    for (var j = 0; j < Benchmarks; j++)
                    {
                        worst = Math.Max(worst, Math.Abs(ours[i, j] - theirs[i, j]));
                    }
                }

                gate.Absolute($"{n:N0} models: max |imputed C# − imputed Python|", worst, 0, 1e-6);
                var variance = python.Results.GetProperty("explained_variance").EnumerateArray().Select(e => e.GetDouble()).ToArray();
                for (var c = 0; c < 3; c++)
                {
                    gate.Relative($"{n:N0} models: explained variance PC-{c + 1}", run.ExplainedVariance[c], variance[c]);
                }
            }

            curve.Add((n, run, pythonMedian));
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  scale {n,7:N0} × {Benchmarks}: C# {run.Median:0.000} s ({run.Iterations} iterations{(run.Converged ? "" : ", limit")}), peak {run.PeakMiB:0} MiB (before decompose {run.BaselineMiB:0} MiB){(pythonMedian is { } py ? $", Python {py:0.000} s" : "")}"));
        }

        Report.Checks(log, "scale", gate);
        Report.Curve(log, curve.Select(c => (c.Models, c.CSharp.Median, c.CSharp.PeakMiB, c.CSharp.BaselineMiB, c.CSharp.Iterations, c.Python)).ToList(), Benchmarks, Missing);

        var target = curve.Single(c => c.Models == TargetModels);
        yield return new ComparisonRow($"decompose {TargetModels:N0} × {Benchmarks}, 30% missing", target.CSharp.Median, target.Python ?? double.NaN, gate.AllAgree,
            string.Create(CultureInfo.InvariantCulture, $"C# peak {target.CSharp.PeakMiB:0} MiB (process); {(target.Python is null ? "Python not run at this size in --quick" : "")}"))
        { MaximumCSharpSeconds = 2, PeakMiB = target.CSharp.PeakMiB, MaximumPeakMiB = 1024 };
        var small = curve.Single(c => c.Models == 1_000);
        yield return new ComparisonRow($"  decompose 1,000 × {Benchmarks}, 30% missing", small.CSharp.Median, small.Python ?? double.NaN, gate.AllAgree,
            string.Create(CultureInfo.InvariantCulture, $"C# peak {small.CSharp.PeakMiB:0} MiB"));
    }

    private static ScaleRun RunChild(string file, int rows, int repetitions, string? imputedOut)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var arguments = new List<string>();
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            arguments.Add(Assembly.GetExecutingAssembly().Location);
        }

        arguments.AddRange([ScaleChild.Command, file, rows.ToString(CultureInfo.InvariantCulture), Benchmarks.ToString(CultureInfo.InvariantCulture), repetitions.ToString(CultureInfo.InvariantCulture)]);
        if (imputedOut is not null)
        {
            arguments.Add(imputedOut);
        }

        var (code, output, error) = ChildProcess.Run(self, arguments, TimeSpan.FromMinutes(20));
        if (code != 0)
        {
            throw new InvalidOperationException($"scale child for {rows} rows exited with {code}: {error.Trim()}");
        }

        using var document = JsonDocument.Parse(output);
        var root = document.RootElement;
        return new ScaleRun(
            root.GetProperty("median").GetDouble(),
            root.GetProperty("peak_kib").GetInt64() / 1024.0,
            root.GetProperty("baseline_kib").GetInt64() / 1024.0,
            root.GetProperty("iterations").GetInt32(),
            root.GetProperty("converged").GetBoolean(),
            root.GetProperty("explained_variance").EnumerateArray().Select(e => e.GetDouble()).ToArray());
    }
}

internal sealed record ScaleRun(double Median, double PeakMiB, double BaselineMiB, int Iterations, bool Converged, double[] ExplainedVariance);
