using NeuralStyle.Imaging;

namespace NeuralStyle.Core.Tests;

/// <summary>Style scale and colour preservation, on images made by the test.</summary>
public class InputPreparationTests
{
    [Theory]
    [InlineData(1.0, 128, 64)]
    [InlineData(0.5, 64, 32)]
    [InlineData(2.0, 256, 128)]
    public void Style_scale_sizes_the_style_relative_to_the_output(double scale, int width, int height)
    {
        var options = new StyleTransferOptions { OutputSize = 128, StyleScale = scale };
        var content = InputPreparation.Content(Gradient(200, 150, 0), options);

        var style = InputPreparation.StyleAt(InputPreparation.Style(Gradient(300, 150, 50), content, options), 128, options);

        Assert.Equal((128, 96), (content.Width, content.Height));
        Assert.Equal((width, height), (style.Width, style.Height));
    }

    [Theory]
    [InlineData(64, 32, 16)]
    [InlineData(90, 45, 22)]
    public void At_a_smaller_scale_content_and_style_shrink_together(int scaleSize, int styleWidth, int styleHeight)
    {
        var options = new StyleTransferOptions { OutputSize = 128, StyleScale = 0.5 };
        var content = InputPreparation.Content(Gradient(200, 150, 0), options);

        var scaledContent = InputPreparation.ContentAt(content, scaleSize);
        var scaledStyle = InputPreparation.StyleAt(Gradient(300, 150, 50), scaleSize, options);

        Assert.Equal(scaleSize, scaledContent.Width);
        Assert.Equal((styleWidth, styleHeight), (scaledStyle.Width, scaledStyle.Height));
    }

    [Fact]
    public void A_mask_becomes_its_luminance_stretched_to_the_image()
    {
        // 2 × 1 mask: white | mid grey (128, 128, 128) → weights 1 and 128/255 at 2 × 1.
        var mask = new RgbImage(2, 1, [255, 255, 255, 128, 128, 128]);

        var weights = InputPreparation.MaskAt(mask, 2, 1);

        Assert.Equal([1f, 128f / 255], weights, (a, b) => Math.Abs(a - b) < 1e-5);
    }

    [Fact]
    public void Matching_recolours_the_style_to_the_content_palette()
    {
        var options = new StyleTransferOptions { OutputSize = 64, ColorPreservation = ColorPreservation.MatchStyleToContent };
        var content = InputPreparation.Content(Gradient(64, 48, 0), options);
        var original = Reddish(64, 48);

        var style = InputPreparation.Style(original, content, options);

        var contentMean = MeanColour(content);
        var styleMean = MeanColour(style);
        var originalMean = MeanColour(original);
        for (var c = 0; c < 3; c++)
        {
            Assert.Equal(contentMean[c], styleMean[c], 2.0 / 255);
        }

        Assert.True(Math.Abs(originalMean[1] - contentMean[1]) > 0.1, "the test images must differ in colour to begin with");
    }

    [Fact]
    public void Luminance_only_keeps_the_content_chroma_and_the_result_luminance()
    {
        var options = new StyleTransferOptions { ColorPreservation = ColorPreservation.LuminanceOnly };
        var content = Gradient(40, 30, 0);
        var optimized = Gradient(40, 30, 70);

        var result = InputPreparation.Result(optimized, content, options);

        var (resultY, resultCb, resultCr) = Planes(result);
        var (contentY, contentCb, contentCr) = Planes(content);
        var (optimizedY, _, _) = Planes(optimized);
        for (var i = 0; i < resultY.Length; i++)
        {
            Assert.Equal(optimizedY[i], resultY[i], 1.0 / 255);
            Assert.Equal(contentCb[i], resultCb[i], 1.0 / 255);
            Assert.Equal(contentCr[i], resultCr[i], 1.0 / 255);
        }

        Assert.NotEqual(contentY, resultY);
    }

    /// <summary>Moderate colours (in gamut after any luminance swap): channels 64–191, shifted by <paramref name="shift"/>.</summary>
    private static RgbImage Gradient(int width, int height, int shift)
    {
        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = ((y * width) + x) * 3;
                pixels[i] = (byte)(64 + ((x * 127 / width) + shift) % 128);
                pixels[i + 1] = (byte)(64 + ((y * 127 / height) + (2 * shift)) % 128);
                pixels[i + 2] = (byte)(64 + (((x + y) * 50 / (width + height)) + (3 * shift)) % 128);
            }
        }

        return new RgbImage(width, height, pixels);
    }

    /// <summary>Warm, varied colours: red 180–250, green 20–80, blue 60–120, independently random.</summary>
    private static RgbImage Reddish(int width, int height)
    {
        var random = new Random(5);
        var pixels = new byte[width * height * 3];
        for (var i = 0; i < pixels.Length; i += 3)
        {
            pixels[i] = (byte)random.Next(180, 251);
            pixels[i + 1] = (byte)random.Next(20, 81);
            pixels[i + 2] = (byte)random.Next(60, 121);
        }

        return new RgbImage(width, height, pixels);
    }

    private static double[] MeanColour(RgbImage image)
    {
        var data = image.ToTensorData();
        var n = image.PixelCount;
        return [.. Enumerable.Range(0, 3).Select(c => data.Skip(c * n).Take(n).Average())];
    }

    private static (float[] Y, float[] Cb, float[] Cr) Planes(RgbImage image)
    {
        var data = image.ToTensorData();
        YCbCr.FromRgb(data, data);
        var n = image.PixelCount;
        return (data[..n], data[n..(2 * n)], data[(2 * n)..]);
    }
}
