namespace ObsScaling.Core.Tests.Numerics.Nist;

/// <summary>NIST's own grading of how hard a problem is for nonlinear least-squares software.</summary>
internal enum NistDifficulty
{
    Lower,
    Average,
    Higher,
}
