namespace ObsScaling.Plots;

/// <summary>An encoded figure.</summary>
public sealed record RenderedPlot(byte[] Content, PlotFormat Format, int Width, int Height)
{
    public string MediaType => Format == PlotFormat.Svg ? "image/svg+xml" : "image/png";

    public string Extension => Format == PlotFormat.Svg ? ".svg" : ".png";
}
