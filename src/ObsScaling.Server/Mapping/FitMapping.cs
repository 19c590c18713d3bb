using System.Globalization;
using System.Text;
using Google.Protobuf.WellKnownTypes;
using ObsScaling.Core.Capability;
using ObsScaling.Core.Equivalence;
using ObsScaling.Core.Holdout;
using ObsScaling.Core.Imputation;
using ObsScaling.Core.Irt;
using ObsScaling.Core.Laws;
using ObsScaling.Core.Uncertainty;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.Server.Mapping;

/// <summary>Converts the engine's holdout results to Fit resources, and a stored Fit back to a usable law.</summary>
internal static class FitMapping
{
    public static V1.Fit ToProto(HoldoutResult r, string name, V1.FitSpec spec, V1.Dataset dataset, Timestamp createTime)
    {
        var fit = new V1.Fit
        {
            Name = name,
            Spec = spec,
            Law = ToProto(r.Law, r.Options.Predictors.Names, r.Options.Transform),
            TrainMse = r.TrainMse,
            TestMse = r.TestMse,
            TestMae = r.TestMae,
            DatasetRevision = dataset.Revision,
            DatasetEtag = dataset.Etag,
            CreateTime = createTime,
            UpdateTime = Timestamp.FromDateTime(DateTime.UtcNow),
        };
        fit.Predictions.AddRange(r.All.Select(ToProto));
        fit.Dropped.AddRange(r.Dropped.Select(d => new V1.DroppedModel { Model = d.Model, Reason = d.Reason }));
        if (r.Equivalent is { } eq)
        {
            fit.Equivalent = new V1.EquivalentCompute { ReferenceFamily = eq.ReferenceFamily, Slope = eq.Slope, Intercept = eq.Intercept };
        }

        if (r.Space is { } space && r.Imputation is { } imp)
        {
            fit.Space = ToProto(space, imp);
        }

        if (r.ItemResponse is { } itemResponse)
        {
            fit.ItemResponse = ToProto(itemResponse);
        }

        IEnumerable<string>? inputs = fit.Space?.Metrics ?? fit.ItemResponse?.Benchmarks.Select(b => b.Name) ?? (spec.Predictors?.Kind == V1.PredictorKind.Metrics ? spec.Predictors.Metrics : null);
        if (inputs is not null)
        {
            fit.InputMetrics.AddRange(dataset.Metrics.Where(m => inputs.Contains(m.Name)));
        }

        if (r.Coverage is { } coverage)
        {
            fit.Coverage = coverage;
        }

        if (r.Intervals is { } intervals)
        {
            fit.Intervals = ToProto(intervals);
        }

        return fit;
    }

    public static V1.LawEnsemble ToProto(IntervalModel model)
    {
        var e = new V1.LawEnsemble
        {
            Method = model.Method switch
            {
                IntervalMethod.Parametric => V1.IntervalMethod.Parametric,
                IntervalMethod.ModelBootstrap => V1.IntervalMethod.ModelBootstrap,
                _ => V1.IntervalMethod.FamilyBootstrap,
            },
            Level = model.Level,
            TrainCount = model.TrainCount,
            ParameterCount = model.Members.Count > 0 ? model.Members[0].Weights.Count + 2 : 0,
        };
        foreach (var m in model.Members)
        {
            e.Parameters.Add(m.Intercept);
            e.Parameters.AddRange(m.Weights);
            e.Parameters.Add(m.Floor);
            e.Noise.Add(m.Noise);
        }

        return e;
    }

    public static IntervalModel? ToDomain(V1.LawEnsemble? e, FittedLaw law)
    {
        if (e is null || e.Method == V1.IntervalMethod.Unspecified)
        {
            return null;
        }

        if (e.Method == V1.IntervalMethod.Parametric)
        {
            return IntervalModel.Parametric(law, e.TrainCount, e.Level);
        }

        var k = e.ParameterCount;
        var members = new EnsembleMember[e.Noise.Count];
        for (var b = 0; b < members.Length; b++)
        {
            var at = b * k;
            members[b] = new EnsembleMember(e.Parameters[at], e.Parameters.Skip(at + 1).Take(k - 2).ToArray(), e.Parameters[at + k - 1], e.Noise[b]);
        }

        var method = e.Method == V1.IntervalMethod.ModelBootstrap ? IntervalMethod.ModelBootstrap : IntervalMethod.FamilyBootstrap;
        return IntervalModel.FromEnsemble(method, e.Level, law, e.TrainCount, members);
    }

    public static V1.Prediction ToProto(ModelPrediction p)
    {
        var proto = new V1.Prediction
        {
            Model = p.Model,
            Family = p.Family ?? "",
            InTrain = p.InTrain,
            Observed = p.Observed,
            Predicted = p.Predicted,
            Capability = p.Capability,
        };
        proto.Predictors.AddRange(p.Predictors);
        if (p.EquivalentLog10Flops is { } e && double.IsFinite(e))
        {
            proto.EquivalentLog10FlopsE21 = e;
        }

        if (p.Interval is { } interval)
        {
            proto.Lower = interval.Lower;
            proto.Upper = interval.Upper;
        }

        return proto;
    }

    public static V1.Law ToProto(FittedLaw law, IReadOnlyList<string> predictorNames, TargetTransform transform)
    {
        var proto = new V1.Law
        {
            Link = law.Link switch
            {
                LawLink.Linear => V1.Link.Linear,
                LawLink.Sigmoid => V1.Link.Sigmoid,
                _ => V1.Link.SigmoidWithFloor,
            },
            Loss = law.Loss == LossKind.Huber ? V1.Loss.Huber : V1.Loss.Squared,
            Intercept = law.Intercept,
            Floor = law.Floor,
            Converged = law.Converged,
            Iterations = law.Iterations,
            SolverMessage = law.Message,
            Formula = Formula(law, predictorNames, transform),
        };
        proto.Weights.AddRange(law.Weights);
        proto.PredictorNames.AddRange(predictorNames);
        var cov = law.Covariance;
        for (var i = 0; i < cov.GetLength(0); i++)
        {
            for (var j = 0; j < cov.GetLength(1); j++)
            {
                proto.Covariance.Add(cov[i, j]);
            }
        }

        return proto;
    }

    public static FittedLaw ToDomain(V1.Law law)
    {
        var p = law.Weights.Count + (law.Link == V1.Link.SigmoidWithFloor ? 2 : 1);
        var cov = new double[p, p];
        if (law.Covariance.Count == p * p)
        {
            for (var i = 0; i < p; i++)
            {
                for (var j = 0; j < p; j++)
                {
                    cov[i, j] = law.Covariance[(i * p) + j];
                }
            }
        }

        return new FittedLaw
        {
            Link = law.Link switch
            {
                V1.Link.Linear => LawLink.Linear,
                V1.Link.Sigmoid => LawLink.Sigmoid,
                _ => LawLink.SigmoidWithFloor,
            },
            Loss = law.Loss == V1.Loss.Huber ? LossKind.Huber : LossKind.Squared,
            Intercept = law.Intercept,
            Weights = law.Weights.ToArray(),
            Floor = law.Floor,
            Converged = law.Converged,
            Iterations = law.Iterations,
            Message = law.SolverMessage,
            Residuals = [],
            TrainMse = double.NaN,
            Covariance = cov,
        };
    }

    public static V1.CapabilitySpaceModel ToProto(CapabilitySpace space, PcaImputation imputation)
    {
        var m = new V1.CapabilitySpaceModel
        {
            Components = space.Components,
            ImputationRank = imputation.Basis.GetLength(0),
            ImputationLower = imputation.Options.Lower ?? double.NegativeInfinity,
            ImputationUpper = imputation.Options.Upper ?? double.PositiveInfinity,
            ImputationMaxIterations = imputation.Options.MaxIterations,
            ImputationTolerance = imputation.Options.Tolerance,
        };
        m.Metrics.AddRange(space.Metrics);
        m.Mean.AddRange(space.Mean);
        m.Scale.AddRange(space.Scale);
        m.Loadings.AddRange(Flatten(space.Loadings));
        m.ExplainedVariance.AddRange(space.ExplainedVariance);
        m.ExplainedVarianceRatio.AddRange(space.ExplainedVarianceRatio);
        m.ImputationColumnMean.AddRange(imputation.ColumnMean);
        m.ImputationColumnScale.AddRange(imputation.ColumnScale);
        m.ImputationPcaMean.AddRange(imputation.PcaMean);
        m.ImputationBasis.AddRange(Flatten(imputation.Basis));
        m.ImputationFill.AddRange(imputation.Fill);
        return m;
    }

    public static (CapabilitySpace Space, PcaImputation Imputation) ToDomain(V1.CapabilitySpaceModel m)
    {
        var p = m.Metrics.Count;
        var space = CapabilitySpace.Restore(m.Metrics.ToArray(), m.Mean.ToArray(), m.Scale.ToArray(), Unflatten(m.Loadings, m.Components, p), m.ExplainedVariance.ToArray(), m.ExplainedVarianceRatio.ToArray());
        var options = new PcaImputationOptions
        {
            Components = m.ImputationRank,
            MaxIterations = m.ImputationMaxIterations,
            Tolerance = m.ImputationTolerance,
            Lower = double.IsFinite(m.ImputationLower) ? m.ImputationLower : null,
            Upper = double.IsFinite(m.ImputationUpper) ? m.ImputationUpper : null,
        };
        var imputation = PcaImputation.Restore(m.ImputationColumnMean.ToArray(), m.ImputationColumnScale.ToArray(), m.ImputationPcaMean.ToArray(), Unflatten(m.ImputationBasis, m.ImputationRank, p), m.ImputationFill.ToArray(), options, m.Metrics.ToArray());
        return (space, imputation);
    }

    public static V1.ItemResponseModel ToProto(ItemResponseModel model)
    {
        var m = new V1.ItemResponseModel { ResidualVariance = model.ResidualVariance, Ridge = model.Ridge };
        m.Benchmarks.AddRange(model.Benchmarks.Select(ToProto));
        return m;
    }

    public static V1.BenchmarkItem ToProto(BenchmarkItem b) => new()
    {
        Name = b.Name,
        Difficulty = b.Difficulty,
        Slope = b.Slope,
        Floor = b.Floor,
        ScoreCount = b.ScoreCount,
        Anchor = b.IsAnchor,
    };

    /// <summary>The frozen part of a stored item-response model: what estimates a new model's capability.</summary>
    public static ItemResponseModel ToDomain(V1.ItemResponseModel m) =>
        ItemResponseModel.Restore(
            m.Benchmarks.Select(b => new BenchmarkItem(b.Name, b.Difficulty, b.Slope, b.Floor) { ScoreCount = b.ScoreCount, IsAnchor = b.Anchor }).ToArray(),
            m.ResidualVariance,
            m.Ridge);

    public static TargetTransform ToTransform(V1.FitSpec spec) => SpecMapping.ToTransform(spec.Transform, "spec.transform");

    public static EquivalentCompute? ToDomain(V1.EquivalentCompute? e) =>
        e is null ? null : new EquivalentCompute(e.ReferenceFamily, e.Slope, e.Intercept);

    private static string Formula(FittedLaw law, IReadOnlyList<string> names, TargetTransform transform)
    {
        var sb = new StringBuilder();
        sb.Append(G(law.Intercept));
        for (var j = 0; j < law.Weights.Count; j++)
        {
            var w = law.Weights[j];
            sb.Append(w < 0 ? " − " : " + ").Append(G(Math.Abs(w))).Append('·').Append(j < names.Count ? names[j] : $"x{j + 1}");
        }

        var z = sb.ToString();
        var y = law.Link switch
        {
            LawLink.Linear => z,
            LawLink.Sigmoid => $"σ({z})",
            _ => $"{G(1 - law.Floor)}·σ({z}) + {G(law.Floor)}",
        };
        return transform.Kind == TargetTransformKind.None ? $"y = {y}" : $"{transform}(y) = {y}";

        static string G(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
    }

    private static IEnumerable<double> Flatten(double[,] a)
    {
        for (var i = 0; i < a.GetLength(0); i++)
        {
            for (var j = 0; j < a.GetLength(1); j++)
            {
                yield return a[i, j];
            }
        }
    }

    private static double[,] Unflatten(Google.Protobuf.Collections.RepeatedField<double> v, int rows, int cols)
    {
        if (v.Count != rows * cols)
        {
            throw new InvalidOperationException("stored capability space is inconsistent");
        }

        var a = new double[rows, cols];
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < cols; j++)
            {
                a[i, j] = v[(i * cols) + j];
            }
        }

        return a;
    }
}
