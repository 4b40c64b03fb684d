using NeuralStyle.Imaging;
using NeuralStyle.Video.Stylisation;
using NeuralStyle.Video.Tests.Flow;
using static TorchSharp.torch;

namespace NeuralStyle.Video.Tests.Stylisation;

/// <summary>
/// Ruder et al.'s long-term masks on a still texture that a grey square hides in the previous frame
/// only: the previous frame cannot be trusted where the square was, the frame before it can, and
/// each pixel is held to the nearest earlier frame that sees it, never to two.
/// </summary>
public sealed class LongTermMaskTests
{
    private const int Width = 96, Height = 64;

    [Fact]
    public void A_pixel_hidden_in_the_previous_frame_is_held_to_the_frame_before_it_and_to_one_frame_only()
    {
        var clear = Textures.Shifted(Width, Height, 0, 0);
        var hidden = WithGreySquare(clear, left: 36, top: 20, side: 24);
        using var scope = NewDisposeScope();

        var (_, temporal) = OptimisingPainter.WarmStart(clear, [(hidden, hidden), (clear, clear)], weight: 1);
        using (temporal)
        {
            var (nearest, before) = (temporal.Targets[0].Mask, temporal.Targets[1].Mask);
            var square = nearest[0, 0, 24..40, 40..56];

            Assert.Equal(2, temporal.Targets.Count);
            Assert.True(square.mean().item<float>() < 0.5f, "the previous frame is not trusted where the square hid the texture");
            Assert.True(before[0, 0, 24..40, 40..56].mean().item<float>() > 0.5f, "the frame before it is, there");
            Assert.True((nearest + before).max().item<float>() <= 1f, "no pixel is held more than once");
            Assert.Equal(0f, (before * nearest.eq(1)).sum().item<float>()); // where the previous frame is trusted, the older one is not used
            Assert.True(nearest[0, 0, 0..16, 0..24].mean().item<float>() > 0.9f, "away from the square, the previous frame is trusted");
        }
    }

    private static RgbImage WithGreySquare(RgbImage image, int left, int top, int side)
    {
        var pixels = image.Pixels.ToArray();
        for (var y = top; y < top + side; y++)
        {
            pixels.AsSpan(((y * image.Width) + left) * 3, side * 3).Fill(128);
        }

        return new RgbImage(image.Width, image.Height, pixels);
    }
}
