using SkiaSharp;

namespace ObsScaling.Plots.Tests;

/// <summary>Decodes a PNG and counts pixels by colour, to check what a figure shows without comparing images.</summary>
internal static class Pixels
{
    public static (int Red, int Blue) StronglyRedAndBlue(byte[] png)
    {
        using var bitmap = SKBitmap.Decode(png) ?? throw new InvalidDataException("PNG did not decode");
        int red = 0, blue = 0;
        for (var y = 0; y < bitmap.Height; y++)
        {
            for (var x = 0; x < bitmap.Width; x++)
            {
                var c = bitmap.GetPixel(x, y);
                if (c.Red > 150 && c.Red - c.Blue > 60 && c.Red - c.Green > 60)
                {
                    red++;
                }
                else if (c.Blue > 150 && c.Blue - c.Red > 60)
                {
                    blue++;
                }
            }
        }

        return (red, blue);
    }
}
