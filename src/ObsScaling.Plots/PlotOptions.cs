using System.Globalization;
using ObsScaling.Core.Domain;

namespace ObsScaling.Plots;

/// <summary>Size, format and optional title of a figure.</summary>
/// <param name="Width">Pixels (PNG) or SVG user units.</param>
/// <param name="Height">Pixels (PNG) or SVG user units.</param>
/// <param name="Title">Replaces the figure's default title when set.</param>
public sealed record PlotOptions(int Width = PlotOptions.DefaultWidth, int Height = PlotOptions.DefaultHeight, PlotFormat Format = PlotFormat.Png, string? Title = null)
{
    public const int DefaultWidth = 900;
    public const int DefaultHeight = 600;

    // Below this the axis labels and the legend no longer fit; above it a PNG is hundreds of megabytes.
    public const int MinSide = 320;
    public const int MaxSide = 8000;

    // Drawing cannot be interrupted, so the area bounds how long a render outlives its deadline: one 8000 × 8000
    // PNG took 6 s and 256 MB of bitmap, 4096² 4–5 s past a deadline in the fault suite on 2 cores; 2048² is a
    // quarter of that area (16 MB of bitmap), still large enough for print.
    public const long MaxPixels = 2048L * 2048L;

    /// <summary>Throws <see cref="ObsValidationException"/> naming every bad field.</summary>
    public void Validate()
    {
        var v = new List<FieldViolation>();
        Check(v, "width", Width);
        Check(v, "height", Height);
        // The area bound speaks only of sides that are each allowed: a side out of range is already named once.
        if (v.Count == 0 && (long)Width * Height > MaxPixels)
        {
            v.Add(new FieldViolation("width", Width.ToString(CultureInfo.InvariantCulture), $"width × height = {Width} × {Height} exceeds {MaxPixels.ToString(CultureInfo.InvariantCulture)} pixels (e.g. 2048 × 2048)"));
        }
        if (!Enum.IsDefined(Format))
        {
            v.Add(new FieldViolation("format", Format.ToString(), "must be PNG or SVG"));
        }

        if (v.Count > 0)
        {
            throw new ObsValidationException(v);
        }
    }

    private static void Check(List<FieldViolation> v, string field, int value)
    {
        if (value is < MinSide or > MaxSide)
        {
            v.Add(new FieldViolation(field, value.ToString(CultureInfo.InvariantCulture), $"must be between {MinSide} and {MaxSide}"));
        }
    }
}
