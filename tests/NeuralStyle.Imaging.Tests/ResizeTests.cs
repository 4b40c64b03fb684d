namespace NeuralStyle.Imaging.Tests;

public class ResizeTests
{
    [Theory]
    [InlineData(1024, 768, 512, 512, 384)]
    [InlineData(640, 1024, 256, 160, 256)]
    [InlineData(300, 300, 100, 100, 100)]
    public void Fit_keeps_the_aspect_ratio_and_bounds_the_longest_side(int width, int height, int maxSide, int expectedWidth, int expectedHeight)
    {
        var resized = TestImages.Gradient(width, height).ResizeToFit(maxSide);

        Assert.Equal((expectedWidth, expectedHeight), (resized.Width, resized.Height));
    }

    [Fact]
    public void Fit_does_not_upscale_unless_asked()
    {
        var small = TestImages.Gradient(40, 30);

        Assert.Same(small, small.ResizeToFit(512));
        var upscaled = small.ResizeToFit(80, allowUpscale: true);
        Assert.Equal((80, 60), (upscaled.Width, upscaled.Height));
    }

    [Fact]
    public void Exact_size_is_hit()
    {
        var resized = TestImages.Gradient(100, 60).Resize(33, 71);

        Assert.Equal((33, 71), (resized.Width, resized.Height));
    }

    [Fact]
    public void A_flat_colour_stays_exactly_the_same()
    {
        var colour = new RgbColor(12, 130, 250);

        var resized = TestImages.Solid(97, 61, colour).Resize(40, 23);

        for (var y = 0; y < resized.Height; y++)
        {
            for (var x = 0; x < resized.Width; x++)
            {
                Assert.Equal(colour, resized.GetPixel(x, y));
            }
        }
    }

    [Fact]
    public void Shrinking_a_fine_checkerboard_averages_it_instead_of_aliasing()
    {
        // 1-pixel black/white checkerboard: any point sampling would give pure black or white.
        var pixels = new byte[64 * 64 * 3];
        for (var y = 0; y < 64; y++)
        {
            for (var x = 0; x < 64; x++)
            {
                var v = (byte)((x + y) % 2 == 0 ? 255 : 0);
                pixels.AsSpan(((y * 64) + x) * 3, 3).Fill(v);
            }
        }

        var resized = new RgbImage(64, 64, pixels).Resize(16, 16);

        Assert.InRange(resized.GetPixel(8, 8).R, 120, 135);
    }
}
