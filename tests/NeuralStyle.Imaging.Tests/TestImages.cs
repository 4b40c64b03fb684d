namespace NeuralStyle.Imaging.Tests;

/// <summary>Small images made by the tests, and the optional real photos from NEURALSTYLE_TEST_IMAGES.</summary>
internal static class TestImages
{
    /// <summary>An image whose every pixel is a distinct function of its position.</summary>
    public static RgbImage Gradient(int width, int height)
    {
        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = ((y * width) + x) * 3;
                pixels[i] = (byte)(x * 255 / Math.Max(1, width - 1));
                pixels[i + 1] = (byte)(y * 255 / Math.Max(1, height - 1));
                pixels[i + 2] = (byte)((x + y) % 256);
            }
        }

        return new RgbImage(width, height, pixels);
    }

    public static RgbImage Solid(int width, int height, RgbColor color)
    {
        var pixels = new byte[width * height * 3];
        for (var i = 0; i < pixels.Length; i += 3)
        {
            pixels[i] = color.R;
            pixels[i + 1] = color.G;
            pixels[i + 2] = color.B;
        }

        return new RgbImage(width, height, pixels);
    }

    /// <summary>The folder of real photos, or null (the test then skips, saying why) when NEURALSTYLE_TEST_IMAGES is unset.</summary>
    public static string? RealImagesFolder
    {
        get
        {
            var folder = Environment.GetEnvironmentVariable("NEURALSTYLE_TEST_IMAGES");
            return string.IsNullOrEmpty(folder) || !Directory.Exists(folder) ? null : folder;
        }
    }
}
