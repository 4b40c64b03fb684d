using NeuralStyle.Imaging;
using NeuralStyle.Video.Temporal;
using static TorchSharp.torch;

namespace NeuralStyle.Video.Tests.Temporal;

/// <summary>
/// The temporal term inside a real run of the engine (tubingen in the style of The Starry Night at
/// 64 px): where its mask is 1 a heavy term holds the result to the warped frame, where it is 0 the
/// run is the one without it, to the bit.
/// </summary>
public sealed class TemporalRunTests
{
    private const int Width = 64, Height = 48;

    [SkippableFact]
    public async Task A_heavy_temporal_term_holds_the_result_to_the_warped_frame_where_the_mask_is_one()
    {
        var (weights, options) = Run();
        await using var engine = new StyleTransferEngine(new StyleTransferEngineOptions { WeightsPath = weights });
        using var grey = full(1, 3, Height, Width, 0.5f);
        using var leftHalf = cat([ones(1, 1, Height, Width / 2), zeros(1, 1, Height, Width / 2)], 3);
        using var terms = new TemporalTerms(grey, leftHalf, weight: 1e12);

        var result = await engine.RunWithTermsAsync(options, terms, null, CancellationToken.None);

        Assert.Equal((Width, Height), (result.Image.Width, result.Image.Height));
        Assert.True(MeanDistanceFromGrey(result.Image, 0, Width / 2) < 2.0, $"left half {MeanDistanceFromGrey(result.Image, 0, Width / 2):F2} levels from grey");
        Assert.True(MeanDistanceFromGrey(result.Image, Width / 2, Width) > 20.0, $"right half {MeanDistanceFromGrey(result.Image, Width / 2, Width):F2} levels from grey: still free to take the style");
    }

    [SkippableFact]
    public async Task With_a_mask_of_zeros_the_run_is_the_one_without_the_term()
    {
        var (weights, options) = Run();
        await using var engine = new StyleTransferEngine(new StyleTransferEngineOptions { WeightsPath = weights });
        using var grey = full(1, 3, Height, Width, 0.5f);
        using var nowhere = zeros(1, 1, Height, Width);
        using var terms = new TemporalTerms(grey, nowhere, weight: 1e12);

        var with = await engine.RunWithTermsAsync(options, terms, null, CancellationToken.None);
        var without = await engine.RunAsync(options);

        Assert.Equal(without.Image.Pixels.ToArray(), with.Image.Pixels.ToArray());
    }

    [SkippableFact]
    public async Task A_checkpointed_run_cannot_take_additional_terms()
    {
        var (weights, options) = Run();
        await using var engine = new StyleTransferEngine(new StyleTransferEngineOptions { WeightsPath = weights });
        using var terms = new TemporalTerms(zeros(1, 3, Height, Width), zeros(1, 1, Height, Width), weight: 1);

        await Assert.ThrowsAsync<ArgumentException>(() => engine.RunWithTermsAsync(options with { CheckpointPath = Path.Combine(Path.GetTempPath(), "never.ckpt") }, terms, null, CancellationToken.None));
    }

    private static (string Weights, StyleTransferOptions Options) Run()
    {
        var (weights, images) = TestEnvironment.RequireWeightsAndImages();
        return (weights, new StyleTransferOptions
        {
            Content = Path.Combine(images, "tubingen.jpg"),
            Styles = [Path.Combine(images, "starry_night.jpg")],
            OutputSize = Width,
            StartSize = Width,
            Iterations = 30,
            Seed = 1,
        });
    }

    /// <summary>The mean distance of columns [from, to) from mid grey (127.5), in 8-bit levels.</summary>
    private static double MeanDistanceFromGrey(RgbImage image, int from, int to)
    {
        var pixels = image.Pixels;
        double sum = 0;
        var count = 0;
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = from; x < to; x++)
            {
                for (var c = 0; c < 3; c++)
                {
                    sum += Math.Abs(pixels[(((y * image.Width) + x) * 3) + c] - 127.5);
                    count++;
                }
            }
        }

        return sum / count;
    }
}
