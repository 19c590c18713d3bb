namespace ObsScaling.PowerShell.Model;

/// <summary>Which capability model a decomposition reports (docs/method.md §13).</summary>
public enum ObsCapabilityModel
{
    /// <summary>Principal components of the imputed scores.</summary>
    Pca,

    /// <summary>The principal components and, beside them, one item-response capability C per model, fitted without imputation.</summary>
    Irt,
}
