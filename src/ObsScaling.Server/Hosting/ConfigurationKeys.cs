using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace ObsScaling.Server.Hosting;

/// <summary>
/// The keys of the "ObsScaling" configuration section are the settable properties of the option types bound to it;
/// any other key is refused at start. A misspelt key used to be ignored in silence (<c>--ObsScaling:DatabsePath=…</c>
/// wrote <c>obsscaling.db</c> into the working directory instead).
/// </summary>
internal static class ConfigurationKeys
{
    /// <summary>The option types bound to the section; a new one is added here and nowhere else.</summary>
    private static readonly Type[] OptionTypes = [typeof(ServerOptions), typeof(ConnectionLimits)];

    /// <summary>Keys read directly from the configuration rather than through an option type.</summary>
    private static readonly string[] DirectKeys = [ParentProcessWatch.Key[(ServerOptions.Section.Length + 1)..]];

    public static IReadOnlyList<string> Known { get; } = OptionTypes
        .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        .Where(p => p.CanWrite && p.GetSetMethod() is not null)
        .Select(p => p.Name)
        .Concat(DirectKeys)
        .Distinct(StringComparer.OrdinalIgnoreCase)
        .Order(StringComparer.Ordinal)
        .ToArray();

    /// <summary>Throws a "Refusing to start" error naming every unknown key of the section (and the nearest known one).</summary>
    public static void RequireKnown(IConfiguration configuration)
    {
        var unknown = configuration.GetSection(ServerOptions.Section).GetChildren()
            .Select(c => c.Key)
            .Where(k => !Known.Contains(k, StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToArray();
        if (unknown.Length == 0)
        {
            return;
        }

        var named = string.Join("; ", unknown.Select(k => Nearest(k) is { } near ? $"{ServerOptions.Section}:{k} (did you mean {ServerOptions.Section}:{near}?)" : $"{ServerOptions.Section}:{k}"));
        throw new InvalidOperationException($"Refusing to start: unknown configuration key{(unknown.Length == 1 ? "" : "s")} {named}. Known keys: {string.Join(", ", Known)}.");
    }

    /// <summary>The known key within a third of its length in edits (case ignored), if any.</summary>
    private static string? Nearest(string key)
    {
        var best = Known
            .Select(k => (Key: k, Distance: Quickenshtein.Levenshtein.GetDistance(key.ToUpperInvariant(), k.ToUpperInvariant())))
            .MinBy(c => c.Distance);
        return best.Key is not null && best.Distance <= Math.Max(1, best.Key.Length / 3) ? best.Key : null;
    }
}
