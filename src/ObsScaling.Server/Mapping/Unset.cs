namespace ObsScaling.Server.Mapping;

/// <summary>
/// The one idiom for a proto3 field without presence: its zero value (0, "" or an empty list) means "not set", and
/// the engine option's own default applies. Each mapping passes the default read from a default instance of the
/// Core option type, so a default lives in Core alone. Fields where zero is a real value are proto3
/// <c>optional</c> in the contract and read through their <c>Has…</c> property instead.
/// </summary>
internal static class Unset
{
    public static int Or(int value, int fallback) => value == 0 ? fallback : value;

    public static double Or(double value, double fallback) => value == 0 ? fallback : value;

    public static string Or(string value, string fallback) => string.IsNullOrEmpty(value) ? fallback : value;

    public static IReadOnlyList<T> Or<T>(IReadOnlyCollection<T> values, IReadOnlyList<T> fallback) => values.Count == 0 ? fallback : values.ToArray();
}
