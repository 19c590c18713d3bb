namespace ObsScaling.Server.Tests.Faults;

/// <summary>
/// How hard the fault suite pushes: the short form runs in CI; <c>OBS_FAULTS_LONG=1</c> runs the long form
/// (more cases, more kills). Seeds are fixed, so a failure reproduces; <c>OBS_FAULTS_SEED</c> picks others.
/// </summary>
internal static class FaultScale
{
    public static bool Long { get; } = Environment.GetEnvironmentVariable("OBS_FAULTS_LONG") == "1";

    public static int Seed { get; } = int.TryParse(Environment.GetEnvironmentVariable("OBS_FAULTS_SEED"), out var s) ? s : 20240610;

    public static int Cases(int shortForm, int longForm) => Long ? longForm : shortForm;
}
