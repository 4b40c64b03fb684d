using System.Buffers.Binary;

namespace NeuralStyle.Imaging.Tests;

public class DecodingTests
{
    [Fact]
    public void Png_with_alpha_is_composited_over_white_by_default()
    {
        // One pixel: colour (200, 100, 0) at alpha 128, another fully transparent, one opaque.
        var png = PngWriter.Write(3, 1, PngWriter.Rgba, 8, [200, 100, 0, 128, 10, 20, 30, 0, 1, 2, 3, 255]);

        var image = RgbImage.Load(png);

        // out = (c·a + bg·(255 − a)) / 255, rounded.
        Assert.Equal(new RgbColor(Expected(200, 255, 128), Expected(100, 255, 128), Expected(0, 255, 128)), image.GetPixel(0, 0));
        Assert.Equal(RgbColor.White, image.GetPixel(1, 0));
        Assert.Equal(new RgbColor(1, 2, 3), image.GetPixel(2, 0));
    }

    [Fact]
    public void Png_with_alpha_uses_the_configured_background()
    {
        var png = PngWriter.Write(1, 1, PngWriter.Rgba, 8, [200, 100, 0, 64]);
        var background = new RgbColor(0, 50, 250);

        var image = RgbImage.Load(png, new ImageLoadOptions { Background = background });

        Assert.Equal(new RgbColor(Expected(200, 0, 64), Expected(100, 50, 64), Expected(0, 250, 64)), image.GetPixel(0, 0));
    }

    [Fact]
    public void Grayscale_png_becomes_equal_rgb_channels()
    {
        var png = PngWriter.Write(4, 1, PngWriter.Gray, 8, [0, 77, 160, 255]);

        var image = RgbImage.Load(png);

        Assert.Equal(new RgbColor(77, 77, 77), image.GetPixel(1, 0));
        Assert.Equal(new RgbColor(160, 160, 160), image.GetPixel(2, 0));
        Assert.Equal(new RgbColor(255, 255, 255), image.GetPixel(3, 0));
    }

    [Fact]
    public void Grayscale_png_with_alpha_is_composited()
    {
        var png = PngWriter.Write(1, 1, PngWriter.GrayAlpha, 8, [100, 51]);

        var image = RgbImage.Load(png, new ImageLoadOptions { Background = RgbColor.Black });

        var expected = Expected(100, 0, 51);
        Assert.Equal(new RgbColor(expected, expected, expected), image.GetPixel(0, 0));
    }

    [Fact]
    public void Sixteen_bit_png_is_reduced_to_eight_bits()
    {
        // Two RGB pixels of 16-bit samples, big-endian.
        ushort[] samples = [0xFFFF, 0x8080, 0x0000, 0x1234, 0xABCD, 0x0101];
        var rows = new byte[samples.Length * 2];
        for (var i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(rows.AsSpan(i * 2), samples[i]);
        }

        var image = RgbImage.Load(PngWriter.Write(2, 1, PngWriter.Rgb, 16, rows));

        AssertClose(new RgbColor(255, 128, 0), image.GetPixel(0, 0), 1);
        AssertClose(new RgbColor(0x12, 0xAB, 0x01), image.GetPixel(1, 0), 1);
    }

    [Fact]
    public void Palette_png_is_expanded()
    {
        byte[] palette = [255, 0, 0, 0, 255, 0, 10, 20, 30];
        var png = PngWriter.Write(3, 1, PngWriter.Palette, 8, [2, 0, 1], palette);

        var image = RgbImage.Load(png);

        Assert.Equal(new RgbColor(10, 20, 30), image.GetPixel(0, 0));
        Assert.Equal(new RgbColor(255, 0, 0), image.GetPixel(1, 0));
        Assert.Equal(new RgbColor(0, 255, 0), image.GetPixel(2, 0));
    }

    [Theory]
    [InlineData(1, false, false, false)]
    [InlineData(2, false, true, false)]
    [InlineData(3, false, true, true)]
    [InlineData(4, false, false, true)]
    [InlineData(5, true, false, false)]
    [InlineData(6, true, true, false)]
    [InlineData(7, true, true, true)]
    [InlineData(8, true, false, true)]
    public void Jpeg_exif_orientation_is_applied(int orientation, bool swapsAxes, bool markerRight, bool markerBottom)
    {
        // Stored: 48 × 32 blue, with a red 16 × 16 block in the stored top-left corner.
        const int width = 48, height = 32;
        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = ((y * width) + x) * 3;
                var marked = x < 16 && y < 16;
                pixels[i] = marked ? (byte)255 : (byte)0;
                pixels[i + 2] = marked ? (byte)0 : (byte)255;
            }
        }

        var jpeg = JpegWithOrientation(new RgbImage(width, height, pixels).Encode(ImageFormat.Jpeg, 95), orientation);

        var image = RgbImage.Load(jpeg);

        Assert.Equal(swapsAxes ? (height, width) : (width, height), (image.Width, image.Height));
        var x0 = markerRight ? image.Width - 4 : 3;
        var y0 = markerBottom ? image.Height - 4 : 3;
        Assert.True(image.GetPixel(x0, y0).R > 200, $"the marked corner should be at ({x0}, {y0}) for orientation {orientation}");
        Assert.True(image.GetPixel(image.Width - 1 - x0, image.Height - 1 - y0).B > 200, "the opposite corner should stay blue");
    }

    [Fact]
    public void Webp_round_trips_approximately()
    {
        var original = TestImages.Solid(16, 8, new RgbColor(30, 140, 220));

        var image = RgbImage.Load(original.Encode(ImageFormat.Webp, 100));

        Assert.Equal((16, 8), (image.Width, image.Height));
        AssertClose(new RgbColor(30, 140, 220), image.GetPixel(5, 5), 4);
    }

    [Fact]
    public async Task Path_stream_and_bytes_give_the_same_pixels()
    {
        using var folder = new TempFolder();
        var original = TestImages.Gradient(20, 10);
        var bytes = original.Encode(ImageFormat.Png);
        var path = folder.File("g.png");
        await File.WriteAllBytesAsync(path, bytes);

        var fromPath = await RgbImage.LoadAsync(path);
        using var stream = new MemoryStream(bytes);
        var fromStream = RgbImage.Load(stream);

        Assert.Equal(original.Pixels.ToArray(), fromPath.Pixels.ToArray());
        Assert.Equal(original.Pixels.ToArray(), fromStream.Pixels.ToArray());
        Assert.Equal(original.Pixels.ToArray(), RgbImage.Load(bytes).Pixels.ToArray());
    }

    [SkippableFact]
    public void Real_photo_loads_at_its_documented_size()
    {
        var folder = TestImages.RealImagesFolder;
        Skip.If(folder is null, "NEURALSTYLE_TEST_IMAGES is not set (.ci/run sets it to ../shared/images).");

        var image = RgbImage.Load(Path.Combine(folder, "tubingen.jpg"));

        Assert.Equal((1024, 768), (image.Width, image.Height));
        Assert.Equal((512, 384), (image.ResizeToFit(512).Width, image.ResizeToFit(512).Height));
    }

    internal static byte[] JpegWithOrientation(byte[] jpeg, int orientation)
    {
        // APP1 "Exif\0\0" + little-endian TIFF header + one IFD entry: tag 0x0112 (Orientation), SHORT, 1.
        byte[] tiff =
        [
            (byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0,
            1, 0,
            0x12, 0x01, 3, 0, 1, 0, 0, 0, (byte)orientation, 0, 0, 0,
            0, 0, 0, 0,
        ];
        byte[] exifHeader = [(byte)'E', (byte)'x', (byte)'i', (byte)'f', 0, 0];
        var length = 2 + exifHeader.Length + tiff.Length;
        byte[] segment = [0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. exifHeader, .. tiff];
        return [.. jpeg[..2], .. segment, .. jpeg[2..]];
    }

    private static byte Expected(int colour, int background, int alpha) =>
        (byte)Math.Round(((colour * alpha) + (background * (255 - alpha))) / 255.0, MidpointRounding.AwayFromZero);

    private static void AssertClose(RgbColor expected, RgbColor actual, int tolerance)
    {
        Assert.True(
            Math.Abs(expected.R - actual.R) <= tolerance && Math.Abs(expected.G - actual.G) <= tolerance && Math.Abs(expected.B - actual.B) <= tolerance,
            $"expected {expected} ± {tolerance}, got {actual}");
    }
}
