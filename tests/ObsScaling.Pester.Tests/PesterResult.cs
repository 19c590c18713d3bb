namespace ObsScaling.Pester.Tests;

/// <summary>One test's outcome as Support/Invoke-PesterSuite.ps1 writes it.</summary>
internal sealed record PesterResult(string File, string[] Path, string Result, string? Message);

/// <summary>One file's outcome: where a file fails to load or its BeforeAll throws.</summary>
internal sealed record PesterContainer(string File, string Result, string? Message);

internal sealed record PesterReport(PesterResult[] Tests, PesterContainer[] Containers);
