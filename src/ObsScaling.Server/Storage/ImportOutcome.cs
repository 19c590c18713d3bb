using ObsScaling.Core.Domain;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Storage;

/// <summary>The result of an import: the stored dataset and what changed.</summary>
internal sealed record ImportOutcome(V1.Dataset Dataset, ModelSet Models, int Added, int Replaced);
