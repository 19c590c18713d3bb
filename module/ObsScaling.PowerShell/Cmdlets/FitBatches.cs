namespace ObsScaling.PowerShell.Cmdlets;

/// <summary>
/// Inputs collected from the pipeline, grouped by the fit they go to in pipeline order: consecutive inputs for one
/// fit share a batch (one call), and output keeps the order the models arrived in.
/// </summary>
internal sealed class FitBatches<T>
{
    private readonly List<(string Fit, List<T> Inputs)> _batches = [];

    public IReadOnlyList<(string Fit, List<T> Inputs)> All => _batches;

    public void Add(string fit, List<T> inputs)
    {
        if (_batches.Count > 0 && _batches[^1].Fit == fit)
        {
            _batches[^1].Inputs.AddRange(inputs);
        }
        else
        {
            _batches.Add((fit, inputs));
        }
    }
}
