namespace ObsScaling.Plots;

/// <summary>The image format of a rendered figure.</summary>
public enum PlotFormat
{
    Png,
    Svg,
}
