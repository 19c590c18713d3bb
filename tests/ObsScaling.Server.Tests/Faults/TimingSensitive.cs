namespace ObsScaling.Server.Tests.Faults;

/// <summary>
/// Tests that time a server against a bound (another client's latency, time past a deadline) run alone, after the
/// parallel ones: the CPU-heavy fault classes running beside them on 2 cores measured the neighbours, not the server.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingSensitive
{
    public const string Name = "Timing-sensitive faults";
}
