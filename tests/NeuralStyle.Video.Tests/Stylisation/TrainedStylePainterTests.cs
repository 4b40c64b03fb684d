using NeuralStyle.FastStyles;
using NeuralStyle.Imaging;
using NeuralStyle.Tests;
using NeuralStyle.Video.Stylisation;
using NeuralStyle.Video.Tests.Flow;

namespace NeuralStyle.Video.Tests.Stylisation;

/// <summary>
/// A trained style's frames steadied along the flow, on a texture moved 2 px to the right: where
/// the flow is reliable each frame is pulled towards the previous result moved with the picture,
/// by the blend; and through the API, with a model that returns its input.
/// </summary>
public sealed class TrainedStylePainterTests
{
    private const int Width = 64, Height = 48, Margin = 8;

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(1.0)]
    public void Each_frame_is_pulled_by_the_blend_towards_the_previous_result_moved_with_the_picture(double blend)
    {
        var previous = Textures.Shifted(Width, Height, 0, 0);
        var frame = Textures.Shifted(Width, Height, 2, 0);
        var black = new RgbImage(Width, Height, new byte[Width * Height * 3]);

        // The previous result is the previous frame itself, so moved with the picture it is the frame; the model painted black.
        var blended = TrainedStylePainter.Blend(previous, frame, previous, black, blend);

        Assert.True(MeanDifference(blended, frame, scale: blend) < 3.0, $"away from the edges, the result is {blend} × the moved previous result");
    }

    [Fact]
    public async Task Through_the_API_the_first_frame_is_the_models_picture_and_nothing_is_optimised()
    {
        using var model = FastStyleModel.Load(TestModels.Identity(), "identity");

        var frames = await TestEnvironment.ToListAsync(VideoStyleTransfer.StyliseAsync(model, Frames(3), new TrainedStyleVideoOptions { Blend = 0.8 }));

        Assert.Equal([0, 1, 2], frames.Select(f => f.Index));
        Assert.All(frames, f => Assert.Null(f.Result));
        Assert.All(frames, f => Assert.False(f.FromEarlierRun));
        Assert.Equal(Textures.Shifted(Width, Height, 0, 0).Pixels.ToArray(), frames[0].Image.Pixels.ToArray());
        Assert.True(MeanDifference(frames[2].Image, Textures.Shifted(Width, Height, 4, 0), scale: 1) < 3.0, "the identity style's steadied frames follow the picture");
    }

    /// <summary>Mean 8-bit difference between <paramref name="image"/> and <paramref name="scale"/> × <paramref name="expected"/>, away from the edges.</summary>
    private static double MeanDifference(RgbImage image, RgbImage expected, double scale)
    {
        var (a, b) = (image.Pixels.ToArray(), expected.Pixels.ToArray());
        double sum = 0;
        var count = 0;
        for (var y = Margin; y < Height - Margin; y++)
        {
            for (var x = Margin; x < Width - Margin; x++)
            {
                var i = ((y * Width) + x) * 3;
                sum += Math.Abs(a[i] - (scale * b[i]));
                count++;
            }
        }

        return sum / count;
    }

    private static async IAsyncEnumerable<RgbImage> Frames(int count)
    {
        for (var t = 0; t < count; t++)
        {
            await Task.Yield();
            yield return Textures.Shifted(Width, Height, 2 * t, 0);
        }
    }
}
