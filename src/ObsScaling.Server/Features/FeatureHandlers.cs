using Microsoft.Extensions.DependencyInjection;

namespace ObsScaling.Server.Features;

/// <summary>The feature handlers behind <see cref="Services.ObsScalingService"/>, each a singleton with its own dependencies.</summary>
internal static class FeatureHandlers
{
    public static void Register(IServiceCollection services)
    {
        services.AddSingleton<DatasetImport>();
        services.AddSingleton<DatasetHandlers>();
        services.AddSingleton<FileImportHandlers>();
        services.AddSingleton<FitHandlers>();
        services.AddSingleton<ForecastHandlers>();
        services.AddSingleton<AnalysisHandlers>();
        services.AddSingleton<BacktestHandlers>();
        services.AddSingleton<TechniqueHandlers>();
        services.AddSingleton<LedgerHandlers>();
        services.AddSingleton<PlotHandlers>();
    }
}
