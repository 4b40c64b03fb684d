using System.Text;
using NeuralStyle.Imaging;
using NeuralStyle.Imaging.Tests;

namespace NeuralStyle.Web.Tests;

/// <summary>Small images made in code, and hostile files made byte by byte (with the imaging tests' PNG writer).</summary>
internal static class TestImages
{
    /// <summary>A 96 × 64 PNG "photo": a gradient with a dark square.</summary>
    public static byte[] ContentPng { get; } = Make(96, 64, (x, y) => x is > 30 and < 60 && y is > 20 and < 44
        ? ((byte)20, (byte)30, (byte)40)
        : ((byte)(x * 255 / 95), (byte)(y * 255 / 63), (byte)128)).Encode(ImageFormat.Png);

    /// <summary>A 64 × 64 PNG "artwork": diagonal stripes.</summary>
    public static byte[] StylePng { get; } = Make(64, 64, (x, y) => (x + y) / 8 % 2 == 0
        ? ((byte)230, (byte)190, (byte)40)
        : ((byte)30, (byte)60, (byte)150)).Encode(ImageFormat.Png);

    /// <summary>A second artwork: checks.</summary>
    public static byte[] SecondStylePng { get; } = Make(64, 64, (x, y) => (x / 8 + y / 8) % 2 == 0
        ? ((byte)200, (byte)40, (byte)40)
        : ((byte)250, (byte)250, (byte)240)).Encode(ImageFormat.Png);

    /// <summary>
    /// A PNG of a few hundred bytes whose header claims <paramref name="width"/> × <paramref name="height"/>
    /// pixels (a decompression bomb): its scanlines hold nothing but their filter bytes.
    /// </summary>
    public static byte[] PngClaiming(int width, int height) => PngWriter.Write(width, height, PngWriter.Rgb, 8, []);

    /// <summary>A text file, whatever name it is sent under.</summary>
    public static byte[] Text { get; } = Encoding.UTF8.GetBytes("this is not an image\n");

    /// <summary>A TIFF signature and some bytes.</summary>
    public static byte[] Tiff { get; } = [.. "II*\0"u8, .. new byte[60]];

    private static RgbImage Make(int width, int height, Func<int, int, (byte R, byte G, byte B)> pixel)
    {
        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var (r, g, b) = pixel(x, y);
                var i = (y * width + x) * 3;
                (pixels[i], pixels[i + 1], pixels[i + 2]) = (r, g, b);
            }
        }

        return new RgbImage(width, height, pixels);
    }
}
