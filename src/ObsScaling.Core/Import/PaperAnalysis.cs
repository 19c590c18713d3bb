using ObsScaling.Core.Domain;
using ObsScaling.Core.Holdout;

namespace ObsScaling.Core.Import;

/// <summary>Figures the paper's notebooks print for an analysis (docs/method.md §11), null where none is published.</summary>
public sealed record PublishedFigures(double? TrainMse, double? TestMse, double? EquivalentSlope = null, double? EquivalentIntercept = null);

/// <summary>One of the paper's holdout analyses, ready to run: its data and its settings.</summary>
public sealed record PaperAnalysis(string Name, string Description, ModelSet Models, HoldoutOptions Options, PublishedFigures? Published)
{
    public HoldoutResult Run(CancellationToken cancellationToken = default) => HoldoutAnalysis.Run(Models, Options, cancellationToken);
}
