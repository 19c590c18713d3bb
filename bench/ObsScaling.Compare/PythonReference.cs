using System.Diagnostics;
using System.Text.Json;

namespace ObsScaling.Compare;

/// <summary>What the Python reference reported: its results, its own per-repetition timings and their median.</summary>
internal sealed record PythonRun(JsonElement Results, double[] Seconds, double Median);

/// <summary>Runs <c>bench/compare/reference.py &lt;task&gt; --input spec.json --json</c> as a child process.</summary>
internal sealed class PythonReference
{
    public const string DefaultInterpreter = "/usr/bin/python3";

    public PythonReference(string repositoryRoot, string interpreter = DefaultInterpreter)
    {
        Interpreter = interpreter;
        Script = Path.Combine(repositoryRoot, "bench", "compare", "reference.py");
    }

    public string Interpreter { get; }

    public string Script { get; }

    /// <summary>Null when the interpreter runs and has numpy, scipy and sklearn; otherwise why not.</summary>
    public string? Unavailable()
    {
        if (!File.Exists(Interpreter))
        {
            return $"{Interpreter} not found";
        }

        var (code, _, error) = ChildProcess.Run(Interpreter, ["-c", "import numpy, scipy, sklearn"], TimeSpan.FromMinutes(1));
        return code == 0 ? null : $"{Interpreter} lacks numpy/scipy/sklearn: {error.Trim()}";
    }

    public PythonRun Run(string task, IReadOnlyDictionary<string, object> spec, string workDirectory, TimeSpan timeout)
    {
        var specPath = Path.Combine(workDirectory, task + ".spec.json");
        File.WriteAllText(specPath, JsonSerializer.Serialize(spec));
        var (code, output, error) = ChildProcess.Run(Interpreter, [Script, task, "--input", specPath, "--json"], timeout);
        if (code != 0)
        {
            throw new InvalidOperationException($"reference.py {task} exited with {code}: {error.Trim()}");
        }

        using var document = JsonDocument.Parse(output);
        var root = document.RootElement;
        var seconds = root.GetProperty("times").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        return new PythonRun(root.GetProperty("results").Clone(), seconds, root.GetProperty("median").GetDouble());
    }
}

/// <summary>Starts a process, collects its output and enforces a time limit (the child is killed past it).</summary>
internal static class ChildProcess
{
    public static (int ExitCode, string Output, string Error) Run(string file, IEnumerable<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish within {timeout}");
        }

        process.WaitForExit();
        return (process.ExitCode, output.GetAwaiter().GetResult(), error.GetAwaiter().GetResult());
    }
}
