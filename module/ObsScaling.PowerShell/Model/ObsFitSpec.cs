using System.Globalization;
using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.PowerShell.Model;

/// <summary>
/// Everything that defines a law fit, named as the cmdlets' parameters: New-ObsFitSpec builds one, and Invoke-ObsFit,
/// Invoke-ObsBacktest and Compare-ObsTechnique take one (-Spec or the pipeline) and override it with the spec
/// parameters bound on their own command line. A null property is "not set" (the service's default).
/// </summary>
public sealed class ObsFitSpec
{
    public string? Target { get; set; }

    public ObsTransformKind? Transform { get; set; }

    public double? TransformLow { get; set; }

    public double? TransformHigh { get; set; }

    public ObsPredictorKind? Predictor { get; set; }

    public int? Components { get; set; }

    public string[]? PredictorMetric { get; set; }

    /// <summary>The anchor of -Predictor IrtCapability (difficulty 0, slope 1).</summary>
    public string? IrtAnchorBenchmark { get; set; }

    /// <summary>Benchmarks' chance levels as the floors of -Predictor IrtCapability.</summary>
    public bool? IrtChanceFloors { get; set; }

    /// <summary>Ridge λ of -Predictor IrtCapability.</summary>
    public double? IrtRidge { get; set; }

    public string[]? CapabilityMetric { get; set; }

    public int? PcaComponents { get; set; }

    public ObsLink? Link { get; set; }

    public ObsLoss? Loss { get; set; }

    public double? HuberDelta { get; set; }

    public double? FloorMax { get; set; }

    public ObsSplitKind? Split { get; set; }

    public string? SplitColumn { get; set; }

    public double? SplitThreshold { get; set; }

    public int? SplitCount { get; set; }

    public double? SplitFraction { get; set; }

    /// <summary>Seed of a random split.</summary>
    public int? Seed { get; set; }

    public string[]? TestModel { get; set; }

    public string[]? ExcludeFromTrain { get; set; }

    public string? ReferenceFamily { get; set; }

    public ObsIntervalMethod? Interval { get; set; }

    public double? IntervalLevel { get; set; }

    public int? IntervalSeed { get; set; }

    /// <summary>Bootstrap replicates of the intervals.</summary>
    public int? Resamples { get; set; }

    /// <summary>The spec parameters: the property names, which are also the cmdlets' parameter names.</summary>
    public static IReadOnlyList<string> ParameterNames { get; } = typeof(ObsFitSpec).GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance).Select(p => p.Name).ToArray();

    /// <summary>Parameters that only mean something with their group's head: binding the head (or any member) replaces the whole group of a base spec.</summary>
    private static readonly string[][] Groups =
    [
        [nameof(Transform), nameof(TransformLow), nameof(TransformHigh)],
        [nameof(Predictor), nameof(Components), nameof(PredictorMetric), nameof(IrtAnchorBenchmark), nameof(IrtChanceFloors), nameof(IrtRidge)],
        [nameof(Loss), nameof(HuberDelta)],
        [nameof(Split), nameof(SplitColumn), nameof(SplitThreshold), nameof(SplitCount), nameof(SplitFraction), nameof(Seed), nameof(TestModel)],
    ];

    public ObsFitSpec Clone() => (ObsFitSpec)MemberwiseClone();

    /// <summary>Sets the properties named by bound parameters (Invocation.BoundParameters) to their values.</summary>
    public void Apply(IReadOnlyDictionary<string, object?> bound)
    {
        ArgumentNullException.ThrowIfNull(bound);
        foreach (var group in Groups.Where(g => g.Any(bound.ContainsKey)))
        {
            foreach (var name in group)
            {
                typeof(ObsFitSpec).GetProperty(name)!.SetValue(this, null);
            }
        }

        foreach (var (name, value) in bound)
        {
            if (ParameterNames.Contains(name) && typeof(ObsFitSpec).GetProperty(name) is { } p)
            {
                var v = value is System.Management.Automation.PSObject o ? o.BaseObject : value;
                p.SetValue(this, v is System.Management.Automation.SwitchParameter sw ? sw.IsPresent : v);
            }
        }
    }

    /// <summary>
    /// Fills in what the bound parameters imply (the one split kind that uses them, -Transform MinMax for its bounds,
    /// -Loss Huber for -HuberDelta, -Predictor Metrics for -PredictorMetric) and returns every parameter that cannot
    /// take effect, so that nothing given is silently ignored.
    /// </summary>
    public IReadOnlyList<SpecProblem> Resolve()
    {
        var problems = new List<SpecProblem>();
        if (TransformLow is not null || TransformHigh is not null)
        {
            Transform ??= ObsTransformKind.MinMax;
            if (Transform != ObsTransformKind.MinMax)
            {
                problems.Add(new(TransformLow is not null ? nameof(TransformLow) : nameof(TransformHigh), TransformLow ?? TransformHigh, $"only -Transform MinMax uses it (got -Transform {Transform})"));
            }
        }

        if (PredictorMetric is { Length: > 0 })
        {
            Predictor ??= ObsPredictorKind.Metrics;
            if (Predictor != ObsPredictorKind.Metrics)
            {
                problems.Add(new(nameof(PredictorMetric), string.Join(", ", PredictorMetric), $"only -Predictor Metrics uses it (got -Predictor {Predictor})"));
            }
        }
        else if (Predictor == ObsPredictorKind.Metrics)
        {
            problems.Add(new(nameof(Predictor), Predictor, "-Predictor Metrics needs -PredictorMetric (the benchmarks used as predictors)"));
        }

        (string Name, object? Value)[] irt = [(nameof(IrtAnchorBenchmark), IrtAnchorBenchmark), (nameof(IrtChanceFloors), IrtChanceFloors), (nameof(IrtRidge), IrtRidge)];
        foreach (var (name, value) in irt.Where(s => s.Value is not null))
        {
            Predictor ??= ObsPredictorKind.IrtCapability;
            if (Predictor != ObsPredictorKind.IrtCapability)
            {
                problems.Add(new(name, value, $"only -Predictor IrtCapability uses it (got -Predictor {Predictor})"));
            }
        }

        if (Components is not null && Predictor is not null and not ObsPredictorKind.PrincipalComponents)
        {
            problems.Add(new(nameof(Components), Components, $"only -Predictor PrincipalComponents uses it (got -Predictor {Predictor})"));
        }

        if (HuberDelta is not null)
        {
            Loss ??= ObsLoss.Huber;
            if (Loss != ObsLoss.Huber)
            {
                problems.Add(new(nameof(HuberDelta), HuberDelta, $"only -Loss Huber uses it (got -Loss {Loss})"));
            }
        }

        if (FloorMax is not null && Link is not null and not ObsLink.SigmoidWithFloor)
        {
            problems.Add(new(nameof(FloorMax), FloorMax, $"only -Link SigmoidWithFloor uses it (got -Link {Link})"));
        }

        ResolveSplit(problems);
        ResolveIntervals(problems);
        return problems;
    }

    /// <summary>The contract's message; call <see cref="Resolve"/> first.</summary>
    public V1.FitSpec ToProto()
    {
        var spec = new V1.FitSpec
        {
            Target = Target ?? "",
            PcaComponents = PcaComponents ?? 0,
            HuberDelta = HuberDelta ?? 0,
            FloorMax = FloorMax ?? 0,
            ReferenceFamily = ReferenceFamily ?? "",
            Link = Link switch
            {
                ObsLink.Linear => V1.Link.Linear,
                ObsLink.Sigmoid => V1.Link.Sigmoid,
                ObsLink.SigmoidWithFloor => V1.Link.SigmoidWithFloor,
                _ => V1.Link.Unspecified,
            },
            Loss = Loss switch
            {
                ObsLoss.Squared => V1.Loss.Squared,
                ObsLoss.Huber => V1.Loss.Huber,
                _ => V1.Loss.Unspecified,
            },
        };
        if (Predictor is not null || Components is not null)
        {
            spec.Predictors = new V1.Predictors
            {
                Kind = Predictor switch
                {
                    ObsPredictorKind.LogFlops => V1.PredictorKind.LogFlops,
                    ObsPredictorKind.LogParameters => V1.PredictorKind.LogParameters,
                    ObsPredictorKind.Metrics => V1.PredictorKind.Metrics,
                    ObsPredictorKind.IrtCapability => V1.PredictorKind.IrtCapability,
                    null or ObsPredictorKind.PrincipalComponents => V1.PredictorKind.PrincipalComponents,
                    var k => throw new ArgumentOutOfRangeException(nameof(Predictor), k, "a predictor kind the contract cannot carry"),
                },
                Components = Components ?? 0,
                Metrics = { PredictorMetric ?? [] },
            };
        }

        if (ObsIrtSettings.ToProto(IrtAnchorBenchmark, IrtChanceFloors, IrtRidge) is { } irt)
        {
            spec.Irt = irt;
        }

        if (Transform is { } t)
        {
            spec.Transform = new V1.Transform { Kind = ToProto(t), Low = TransformLow ?? 0, High = TransformHigh ?? 0 };
        }

        spec.CapabilityMetrics.AddRange(CapabilityMetric ?? []);
        spec.ExcludeFromTrain.AddRange(ExcludeFromTrain ?? []);
        if (SplitProto() is { } split)
        {
            spec.Split = split;
        }

        spec.Intervals = IntervalsProto();
        return spec;
    }

    internal V1.Split? SplitProto() => Split is not { } kind ? null : new V1.Split
    {
        Kind = ToProto(kind),
        Column = SplitColumn ?? "",
        Threshold = SplitThreshold ?? 0,
        Count = SplitCount ?? 0,
        Fraction = SplitFraction ?? 0,
        TestModels = { TestModel ?? [] },
    }.WithSeed(Seed);

    internal V1.IntervalSettings? IntervalsProto() => Interval is null or ObsIntervalMethod.None ? null : new V1.IntervalSettings
    {
        Method = ToProto(Interval.Value),
        Level = IntervalLevel ?? 0,
        Resamples = Resamples ?? 0,
    }.WithSeed(IntervalSeed);

    /// <summary>A stored fit's spec in the module's terms (zero values of the contract stay unset).</summary>
    public static ObsFitSpec FromProto(V1.FitSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var s = new ObsFitSpec
        {
            Target = spec.Target,
            PcaComponents = spec.PcaComponents == 0 ? null : spec.PcaComponents,
            // Settings the stored spec's own loss and link ignore are dropped, so that reusing it refuses nothing.
            HuberDelta = spec.HuberDelta == 0 || spec.Loss != V1.Loss.Huber ? null : spec.HuberDelta,
            FloorMax = spec.FloorMax == 0 || spec.Link is V1.Link.Linear or V1.Link.Sigmoid ? null : spec.FloorMax,
            ReferenceFamily = spec.ReferenceFamily is { Length: > 0 } r ? r : null,
            CapabilityMetric = spec.CapabilityMetrics.Count > 0 ? [.. spec.CapabilityMetrics] : null,
            ExcludeFromTrain = spec.ExcludeFromTrain.Count > 0 ? [.. spec.ExcludeFromTrain] : null,
            Link = spec.Link switch
            {
                V1.Link.Linear => ObsLink.Linear,
                V1.Link.Sigmoid => ObsLink.Sigmoid,
                V1.Link.SigmoidWithFloor => ObsLink.SigmoidWithFloor,
                _ => null,
            },
            Loss = spec.Loss switch
            {
                V1.Loss.Squared => ObsLoss.Squared,
                V1.Loss.Huber => ObsLoss.Huber,
                _ => null,
            },
        };
        if (spec.Transform is { Kind: not V1.TransformKind.Unspecified } t)
        {
            s.Transform = t.Kind switch
            {
                V1.TransformKind.MinMax => ObsTransformKind.MinMax,
                V1.TransformKind.Logit => ObsTransformKind.Logit,
                V1.TransformKind.Log => ObsTransformKind.Log,
                _ => ObsTransformKind.None,
            };
            if (s.Transform == ObsTransformKind.MinMax)
            {
                (s.TransformLow, s.TransformHigh) = (t.Low, t.High);
            }
        }

        if (spec.Predictors is { } p)
        {
            s.Predictor = p.Kind switch
            {
                V1.PredictorKind.LogFlops => ObsPredictorKind.LogFlops,
                V1.PredictorKind.LogParameters => ObsPredictorKind.LogParameters,
                V1.PredictorKind.Metrics => ObsPredictorKind.Metrics,
                V1.PredictorKind.IrtCapability => ObsPredictorKind.IrtCapability,
                V1.PredictorKind.Unspecified or V1.PredictorKind.PrincipalComponents => ObsPredictorKind.PrincipalComponents,
                var k => throw new ArgumentOutOfRangeException(nameof(spec), k, "a predictor kind this module does not know: update the module"),
            };
            s.Components = p.Components == 0 || s.Predictor != ObsPredictorKind.PrincipalComponents ? null : p.Components;
            s.PredictorMetric = p.Metrics.Count > 0 ? [.. p.Metrics] : null;
        }

        if (spec.Irt is { } irt && s.Predictor == ObsPredictorKind.IrtCapability)
        {
            s.IrtAnchorBenchmark = irt.AnchorBenchmark.Length > 0 ? irt.AnchorBenchmark : null;
            s.IrtChanceFloors = irt.ChanceFloors ? true : null;
            s.IrtRidge = irt.HasRidge ? irt.Ridge : null;
        }

        if (spec.Split is { Kind: not V1.SplitKind.Unspecified } split)
        {
            s.Split = split.Kind switch
            {
                V1.SplitKind.CutoffRatio => ObsSplitKind.CutoffRatio,
                V1.SplitKind.Top => ObsSplitKind.Top,
                V1.SplitKind.TopFraction => ObsSplitKind.TopFraction,
                V1.SplitKind.Random => ObsSplitKind.Random,
                V1.SplitKind.Explicit => ObsSplitKind.Explicit,
                V1.SplitKind.Cutoff => ObsSplitKind.Cutoff,
                var k => throw new ArgumentOutOfRangeException(nameof(spec), k, "a split kind this module does not know: update the module"),
            };
            var uses = SplitUses(s.Split.Value);
            s.SplitColumn = uses.Contains(nameof(SplitColumn)) && split.Column.Length > 0 ? split.Column : null;
            s.SplitThreshold = uses.Contains(nameof(SplitThreshold)) ? split.Threshold : null;
            s.SplitCount = uses.Contains(nameof(SplitCount)) && split.Count != 0 ? split.Count : null;
            s.SplitFraction = uses.Contains(nameof(SplitFraction)) && (split.Fraction != 0 || split.Count == 0) ? split.Fraction : null;
            s.Seed = uses.Contains(nameof(Seed)) && split.HasSeed ? split.Seed : null;
            s.TestModel = uses.Contains(nameof(TestModel)) ? [.. split.TestModels] : null;
        }

        if (spec.Intervals is { Method: not V1.IntervalMethod.Unspecified } i)
        {
            s.Interval = i.Method switch
            {
                V1.IntervalMethod.Parametric => ObsIntervalMethod.Parametric,
                V1.IntervalMethod.ModelBootstrap => ObsIntervalMethod.ModelBootstrap,
                V1.IntervalMethod.FamilyBootstrap => ObsIntervalMethod.FamilyBootstrap,
                var m => throw new ArgumentOutOfRangeException(nameof(spec), m, "an interval method this module does not know: update the module"),
            };
            s.IntervalLevel = i.Level == 0 ? null : i.Level;
            s.IntervalSeed = i.HasSeed ? i.Seed : null;
            s.Resamples = i.Resamples == 0 ? null : i.Resamples;
        }

        return s;
    }

    /// <summary>The split parameters each kind reads (the service ignores the others).</summary>
    internal static IReadOnlySet<string> SplitUses(ObsSplitKind kind) => kind switch
    {
        ObsSplitKind.Cutoff => new HashSet<string> { nameof(SplitColumn), nameof(SplitThreshold) },
        ObsSplitKind.CutoffRatio or ObsSplitKind.TopFraction => new HashSet<string> { nameof(SplitColumn), nameof(SplitFraction) },
        ObsSplitKind.Top => new HashSet<string> { nameof(SplitColumn), nameof(SplitCount) },
        ObsSplitKind.Random => new HashSet<string> { nameof(SplitFraction), nameof(SplitCount), nameof(Seed) },
        _ => new HashSet<string> { nameof(TestModel) },
    };

    private IEnumerable<(string Name, object Value)> GivenSplitParameters()
    {
        if (SplitColumn is not null)
        {
            yield return (nameof(SplitColumn), SplitColumn);
        }

        if (SplitThreshold is { } threshold)
        {
            yield return (nameof(SplitThreshold), threshold);
        }

        if (SplitCount is { } count)
        {
            yield return (nameof(SplitCount), count);
        }

        if (SplitFraction is { } fraction)
        {
            yield return (nameof(SplitFraction), fraction);
        }

        if (Seed is { } seed)
        {
            yield return (nameof(Seed), seed);
        }

        if (TestModel is not null)
        {
            yield return (nameof(TestModel), string.Join(", ", TestModel));
        }
    }

    private void ResolveSplit(List<SpecProblem> problems)
    {
        var given = GivenSplitParameters().ToArray();
        if (Split is null && given.Length > 0)
        {
            var kinds = Enum.GetValues<ObsSplitKind>().Where(k => given.All(g => SplitUses(k).Contains(g.Name))).ToArray();
            var names = string.Join(" ", given.Select(g => "-" + g.Name));
            if (kinds.Length == 1)
            {
                Split = kinds[0];
            }
            else
            {
                var reason = kinds.Length == 0
                    ? "no one split kind uses all of " + names + "; choose -Split"
                    : $"{names} needs -Split: one of {string.Join(", ", kinds)}";
                problems.Add(new(given[0].Name, given[0].Value, reason));
                return;
            }
        }

        if (Split is not { } kind)
        {
            return;
        }

        var uses = SplitUses(kind);
        foreach (var (name, value) in given.Where(g => !uses.Contains(g.Name)))
        {
            problems.Add(new(name, value, $"-Split {kind} does not use it (it uses {string.Join(", ", uses.Select(u => "-" + u))})"));
        }

        var missing = kind switch
        {
            ObsSplitKind.Cutoff when SplitThreshold is null => nameof(SplitThreshold),
            ObsSplitKind.CutoffRatio or ObsSplitKind.TopFraction when SplitFraction is null => nameof(SplitFraction),
            ObsSplitKind.Top when SplitCount is null => nameof(SplitCount),
            ObsSplitKind.Random when SplitFraction is null && SplitCount is null => nameof(SplitFraction) + " or -" + nameof(SplitCount),
            ObsSplitKind.Explicit when TestModel is not { Length: > 0 } => nameof(TestModel),
            _ => null,
        };
        if (missing is not null)
        {
            problems.Add(new(nameof(Split), kind, $"-Split {kind} needs -{missing}"));
        }

        if (kind == ObsSplitKind.Random && SplitFraction is not null && SplitCount is not null)
        {
            problems.Add(new(nameof(SplitCount), SplitCount, "-Split Random takes -SplitFraction or -SplitCount, not both"));
        }
    }

    private void ResolveIntervals(List<SpecProblem> problems)
    {
        (string Name, object? Value)[] settings = [(nameof(IntervalLevel), IntervalLevel), (nameof(IntervalSeed), IntervalSeed), (nameof(Resamples), Resamples)];
        foreach (var (name, value) in settings.Where(s => s.Value is not null))
        {
            if (Interval is null or ObsIntervalMethod.None)
            {
                problems.Add(new(name, value, $"intervals are off: it needs -Interval {string.Join(", ", Enum.GetValues<ObsIntervalMethod>().Where(m => m != ObsIntervalMethod.None))}"));
            }
            else if (name == nameof(Resamples) && Interval == ObsIntervalMethod.Parametric)
            {
                problems.Add(new(name, value, "-Interval Parametric does not resample (ModelBootstrap and FamilyBootstrap do)"));
            }
        }
    }

    private static V1.TransformKind ToProto(ObsTransformKind t) => t switch
    {
        ObsTransformKind.MinMax => V1.TransformKind.MinMax,
        ObsTransformKind.Logit => V1.TransformKind.Logit,
        ObsTransformKind.Log => V1.TransformKind.Log,
        _ => V1.TransformKind.None,
    };

    private static V1.SplitKind ToProto(ObsSplitKind k) => k switch
    {
        ObsSplitKind.Cutoff => V1.SplitKind.Cutoff,
        ObsSplitKind.CutoffRatio => V1.SplitKind.CutoffRatio,
        ObsSplitKind.Top => V1.SplitKind.Top,
        ObsSplitKind.TopFraction => V1.SplitKind.TopFraction,
        ObsSplitKind.Random => V1.SplitKind.Random,
        _ => V1.SplitKind.Explicit,
    };

    private static V1.IntervalMethod ToProto(ObsIntervalMethod m) => m switch
    {
        ObsIntervalMethod.Parametric => V1.IntervalMethod.Parametric,
        ObsIntervalMethod.ModelBootstrap => V1.IntervalMethod.ModelBootstrap,
        ObsIntervalMethod.FamilyBootstrap => V1.IntervalMethod.FamilyBootstrap,
        _ => V1.IntervalMethod.Unspecified,
    };

    public override string ToString()
    {
        var parts = new List<string>();
        foreach (var p in typeof(ObsFitSpec).GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance))
        {
            if (p.GetValue(this) is { } v)
            {
                var text = v is string[] a ? string.Join(",", a) : Convert.ToString(v, CultureInfo.InvariantCulture);
                parts.Add($"-{p.Name} {text}");
            }
        }

        return string.Join(" ", parts);
    }
}

/// <summary>A spec parameter that cannot take effect: the parameter (without the dash), its value and why.</summary>
public sealed record SpecProblem(string Parameter, object? Value, string Reason)
{
    public override string ToString() => $"-{Parameter} {Convert.ToString(Value, CultureInfo.InvariantCulture)}: {Reason}";
}
