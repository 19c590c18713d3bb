using ObsScaling.Core.Domain;

namespace ObsScaling.Server.Errors;

/// <summary>
/// Re-roots the engine's field paths at the request message, so that a violation names the field the client
/// sent (<c>spec.target</c>, not the engine's <c>target</c>).
/// </summary>
internal static class FieldPaths
{
    private static readonly string[] SpecFields =
    [
        "target", "transform", "predictors", "capability_metrics", "pca_components", "imputation", "link", "loss",
        "huber_delta", "floor_max", "split", "exclude_from_train", "reference_family", "irt",
    ];

    /// <summary>Runs <paramref name="run"/>; validation errors leave with their fields renamed by <paramref name="rename"/>.</summary>
    public static T Run<T>(Func<T> run, Func<string, string> rename)
    {
        ArgumentNullException.ThrowIfNull(run);
        try
        {
            return run();
        }
        catch (ObsValidationException ex) when (ex.Violations.Count > 0)
        {
            throw Rerooted(ex, rename);
        }
    }

    /// <summary>As <see cref="Run{T}"/>, for asynchronous work.</summary>
    public static async Task<T> RunAsync<T>(Func<Task<T>> run, Func<string, string> rename)
    {
        ArgumentNullException.ThrowIfNull(run);
        try
        {
            return await run().ConfigureAwait(false);
        }
        catch (ObsValidationException ex) when (ex.Violations.Count > 0)
        {
            throw Rerooted(ex, rename);
        }
    }

    /// <summary>The same refusal (and kind of refusal) with every field renamed by <paramref name="rename"/>.</summary>
    public static ObsValidationException Rerooted(ObsValidationException ex, Func<string, string> rename)
    {
        ArgumentNullException.ThrowIfNull(ex);
        var renamed = ex.Violations.Select(v => v with { Field = rename(v.Field) }).ToArray();
        return ex is ObsPreconditionException ? new ObsPreconditionException(renamed) : new ObsValidationException(renamed);
    }

    /// <summary>Fields relative to one input (<c>scores[mmlu]</c>, or "" for the input itself) as fields under <paramref name="at"/>.</summary>
    public static Func<string, string> Under(string at) => field => field.Length == 0 ? at : at + "." + field;

    /// <summary>The engine's holdout-option paths (<c>target</c>, <c>split.column</c>, <c>options.floor_max</c>) as paths in a FitSpec.</summary>
    public static Func<string, string> InSpec(string spec) => field =>
    {
        var bare = field.StartsWith("options.", StringComparison.Ordinal) ? field["options.".Length..] : field;
        var head = bare.Split('.', '[')[0];
        return bare.Length > 0 && SpecFields.Contains(head) && (bare == field || head is "floor_max" or "huber_delta") ? $"{spec}.{bare}" : field;
    };

    /// <summary>The subset search's option paths (<c>options.budgets[1]</c>) as SelectSubsetRequest fields.</summary>
    public static string InSelectSubset(string field) =>
        field.StartsWith("options.", StringComparison.Ordinal) ? field["options.".Length..] : field;
}
