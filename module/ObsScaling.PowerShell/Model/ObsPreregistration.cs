using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.PowerShell.Model;

/// <summary>
/// An entry of a preregistration ledger: a forecast recorded before the model was evaluated, and — once scored —
/// the value observed later. Values are on the target metric's own scale. Flat like a forecast: the predictor values
/// are Predictor1..k to PowerShell (<see cref="ObsPreregistrationAdapter"/>), and such rows cast back.
/// </summary>
public sealed class ObsPreregistration
{
    /// <summary>ledgers/{ledger}/entries/{entry}.</summary>
    public string Name { get; set; } = "";

    public string Ledger { get; set; } = "";

    public string Entry { get; set; } = "";

    public DateTime CreateTime { get; set; }

    public string Model { get; set; } = "";

    public string? Family { get; set; }

    public string Target { get; set; } = "";

    /// <summary>The law's fit (datasets/{dataset}/fits/{fit}) when the forecast was recorded.</summary>
    public string Fit { get; set; } = "";

    /// <summary>SHA-256 of exactly the data the law was fitted on.</summary>
    public string DataHash { get; set; } = "";

    public int DataRows { get; set; }

    public string DatasetEtag { get; set; } = "";

    public string Formula { get; set; } = "";

    public IReadOnlyList<double> Predictors { get; set; } = ObsValues.Empty;

    public double Predicted { get; set; }

    public double? Lower { get; set; }

    public double? Upper { get; set; }

    public double? Level { get; set; }

    /// <summary>The fit's dataset already held the target for this model when the forecast was recorded.</summary>
    public bool AlreadyObserved { get; set; }

    public bool Scored { get; set; }

    public double? Observed { get; set; }

    /// <summary>Predicted − observed (positive: the forecast was too high).</summary>
    public double? Error { get; set; }

    public double? AbsoluteError { get; set; }

    /// <summary>Whether the observed value fell inside the interval (null: not scored, or no interval).</summary>
    public bool? Inside { get; set; }

    public DateTime? ScoreTime { get; set; }

    /// <summary>Where the observed value came from (datasets/{d}@{etag}, or "explicit").</summary>
    public string? ScoreSource { get; set; }

    /// <summary>What the last call did with the entry: Recorded, Scored, AlreadyScored or Listed.</summary>
    public string Status { get; set; } = "Listed";

    public string? Note { get; set; }

    public override string ToString() => Name;

    internal static ObsPreregistration FromProto(V1.Preregistration p, string status)
    {
        var parts = p.Name.Split('/');
        var entry = new ObsPreregistration
        {
            Name = p.Name,
            Ledger = parts.Length > 1 ? parts[1] : "",
            Entry = parts[^1],
            CreateTime = p.CreateTime?.ToDateTime() ?? default,
            Model = p.Input?.Model ?? "",
            Family = string.IsNullOrEmpty(p.Input?.Family) ? null : p.Input.Family,
            Target = p.Target,
            Fit = p.Fit,
            DataHash = p.DataHash,
            DataRows = p.DataRows,
            DatasetEtag = p.DatasetEtag,
            Formula = p.Law?.Formula ?? "",
            Predictors = new ObsValues([.. p.Predictors]),
            Predicted = p.PredictedRaw,
            Lower = p.HasLowerRaw ? p.LowerRaw : null,
            Upper = p.HasUpperRaw ? p.UpperRaw : null,
            Level = p.HasLevel ? p.Level : null,
            AlreadyObserved = p.AlreadyObserved,
            Status = status,
            Note = string.IsNullOrEmpty(p.Note) ? null : p.Note,
        };
        if (p.Score is { } s)
        {
            entry.Scored = true;
            entry.Observed = s.ObservedRaw;
            entry.Error = s.ErrorRaw;
            entry.AbsoluteError = s.AbsoluteErrorRaw;
            entry.Inside = s.HasInside ? s.Inside : null;
            entry.ScoreTime = s.ScoreTime?.ToDateTime();
            entry.ScoreSource = s.Source;
        }

        return entry;
    }
}

/// <summary>Coverage and errors over a ledger's scored entries.</summary>
public sealed class ObsLedgerSummary
{
    public string Ledger { get; set; } = "";

    public int Entries { get; set; }

    public int Scored { get; set; }

    public int WithInterval { get; set; }

    public int Inside { get; set; }

    /// <summary>Share of scored entries with an interval whose observed value fell inside it.</summary>
    public double? Coverage { get; set; }

    public double? MeanAbsoluteError { get; set; }

    public double? RootMeanSquareError { get; set; }

    public override string ToString() => Ledger;

    internal static ObsLedgerSummary FromProto(string ledger, V1.LedgerSummary s) => new()
    {
        Ledger = ledger,
        Entries = s.Entries,
        Scored = s.Scored,
        WithInterval = s.WithInterval,
        Inside = s.Inside,
        Coverage = s.HasCoverage ? s.Coverage : null,
        MeanAbsoluteError = s.HasMeanAbsoluteError ? s.MeanAbsoluteError : null,
        RootMeanSquareError = s.HasRootMeanSquareError ? s.RootMeanSquareError : null,
    };
}
