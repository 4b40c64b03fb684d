using NeuralStyle.Imaging;

namespace NeuralStyle.Video.Tests.Flow;

/// <summary>A smooth grey texture given by a formula, so a shifted copy is exact (no resampling).</summary>
internal static class Textures
{
    /// <summary>The texture's pixel at (x, y); x and y may be any numbers.</summary>
    public static byte Level(double x, double y) => (byte)Math.Round(
        128 + (40 * Math.Sin((2 * Math.PI * x / 23) + 0.3)) + (40 * Math.Sin((2 * Math.PI * y / 17) + 1.1)) + (30 * Math.Sin(2 * Math.PI * (x + y) / 31)));

    /// <summary>The texture moved by (dx, dy): what was at (x, y) is at (x + dx, y + dy).</summary>
    public static RgbImage Shifted(int width, int height, int dx, int dy)
    {
        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var level = Level(x - dx, y - dy);
                pixels.AsSpan(((y * width) + x) * 3, 3).Fill(level);
            }
        }

        return new RgbImage(width, height, pixels);
    }
}
