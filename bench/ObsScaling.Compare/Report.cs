using System.Globalization;
using System.Text;

namespace ObsScaling.Compare;

/// <summary>Plain-text / Markdown output: the agreement checks, the scale curve and the table.</summary>
internal static class Report
{
    public static void Checks(TextWriter log, string task, AgreementGate gate)
    {
        log.WriteLine($"{task}: {(gate.AllAgree ? "numbers agree" : "NUMBERS DISAGREE — no speed comparison")}");
        foreach (var check in gate.Checks)
        {
            log.WriteLine("  " + check);
        }
    }

    public static void Curve(TextWriter log, IReadOnlyList<(int Models, double Seconds, double PeakMiB, double BaselineMiB, int Iterations, double? Python)> curve, int benchmarks, double missing)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"\nScale: decompose (impute + PCA), {benchmarks} benchmarks, {missing:P0} missing, one child process per size");
        text.AppendLine("| models | C# median (s) | imputation iterations | C# peak RSS (MiB) | RSS before decompose (MiB) | Python median (s) | Python / C# |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var c in curve)
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {c.Models:N0} | {c.Seconds:0.000} | {c.Iterations} | {c.PeakMiB:0} | {c.BaselineMiB:0} | {(c.Python is { } p ? p.ToString("0.000", CultureInfo.InvariantCulture) : "–")} | {(c.Python is { } q ? (q / c.Seconds).ToString("0", CultureInfo.InvariantCulture) + "×" : "–")} |"));
        }

        log.Write(text.ToString());
    }

    public static string Table(IReadOnlyList<ComparisonRow> rows)
    {
        var text = new StringBuilder();
        text.AppendLine("| task | C# median | Python median | Python / C# | target | result | note |");
        text.AppendLine("|---|---:|---:|---:|---|---|---|");
        foreach (var r in rows)
        {
            var python = double.IsNaN(r.PythonSeconds) ? "–" : Seconds(r.PythonSeconds) + (r.PythonExtrapolated ? " (extrapolated)" : "");
            var ratio = !r.Agrees ? "numbers disagree" : double.IsNaN(r.PythonSeconds) ? "–" : string.Create(CultureInfo.InvariantCulture, $"{r.Ratio:0.0}×");
            var result = r.Pass switch { true => "pass", false => "FAIL", null => "" };
            text.AppendLine($"| {r.Task} | {Seconds(r.CSharpSeconds)} | {python} | {ratio} | {r.Target} | {result} | {r.Note} |");
        }

        return text.ToString();
    }

    private static string Seconds(double s) => s switch
    {
        < 1e-3 => string.Create(CultureInfo.InvariantCulture, $"{s * 1e6:0} µs"),
        < 1 => string.Create(CultureInfo.InvariantCulture, $"{s * 1e3:0.00} ms"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{s:0.00} s"),
    };
}
