using V1 = ObsScaling.Grpc.V1;

namespace ObsScaling.PowerShell.Model;

/// <summary>
/// Seeds are proto3 <c>optional</c> (0 is a seed): a seed the user did not give is left unset, so the service's
/// default applies, rather than sent as 0.
/// </summary>
internal static class OptionalSeeds
{
    public static V1.Split WithSeed(this V1.Split split, int? seed)
    {
        if (seed is { } s)
        {
            split.Seed = s;
        }

        return split;
    }

    public static V1.IntervalSettings WithSeed(this V1.IntervalSettings settings, int? seed)
    {
        if (seed is { } s)
        {
            settings.Seed = s;
        }

        return settings;
    }
}
