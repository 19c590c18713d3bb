namespace ObsScaling.PowerShell.Model;

/// <summary>A ledger entry as PowerShell sees it: its fields, then Predictor1..k (the predictor values recorded).</summary>
public sealed class ObsPreregistrationAdapter() : NumberedColumnsAdapter(typeof(ObsPreregistration), nameof(ObsPreregistration.Predictors), "Predictor");
