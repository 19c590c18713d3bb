namespace ObsScaling.Compare;

/// <summary>
/// One line of the table. <see cref="MinimumRatio"/> is the target "Python / C# ≥ x" (null: no ratio target);
/// <see cref="MaximumCSharpSeconds"/> an absolute target on the C# time. A row whose numbers disagree has no ratio.
/// </summary>
internal sealed record ComparisonRow(string Task, double CSharpSeconds, double PythonSeconds, bool Agrees, string Note = "")
{
    public double? MinimumRatio { get; init; }

    public double? MaximumCSharpSeconds { get; init; }

    public bool PythonExtrapolated { get; init; }

    /// <summary>Peak resident memory of the C# run (MiB) and its target, where measured.</summary>
    public double? PeakMiB { get; init; }

    public double? MaximumPeakMiB { get; init; }

    public double Ratio => PythonSeconds / CSharpSeconds;

    public string Target => (MinimumRatio, MaximumCSharpSeconds) switch
    {
        ({ } r, null) => $"≥ {r:0}×",
        (null, { } s) => $"C# ≤ {s:0.###} s",
        ({ } r, { } s) => $"≥ {r:0}×, C# ≤ {s:0.###} s",
        _ => "–",
    } + (MaximumPeakMiB is { } m ? $", ≤ {m / 1024:0.#} GiB" : "");

    /// <summary>Null when the row has no target.</summary>
    public bool? Pass => !Agrees
        ? false
        : MinimumRatio is null && MaximumCSharpSeconds is null
            ? null
            : (MinimumRatio is not { } r || Ratio >= r) && (MaximumCSharpSeconds is not { } s || CSharpSeconds <= s)
                && (MaximumPeakMiB is not { } m || PeakMiB <= m);
}
