using System.Runtime.InteropServices;
using System.Security.Cryptography;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Core.Tests;

/// <summary>
/// The sliced Wasserstein style term on VGG19's features: its value is the layer-weighted sum of
/// <see cref="LossFunctions.SlicedWassersteinLayerLoss"/> along the directions its documentation
/// promises (C per layer, from a generator seeded by the SHA-256 of the image's float32 values, layer
/// after layer); the same image gets the same value; and a run with it lowers its style term.
/// </summary>
public sealed class SlicedWassersteinStyleTermTests
{
    private static readonly LayerWeight[] Layers = [new("block1_conv1", 0.5), new("block2_conv1", 0.5)];

    [SkippableFact]
    public void Its_value_is_the_weighted_sum_along_directions_seeded_by_the_image()
    {
        var extractor = SharedExtractor.Get();
        using var scope = NewDisposeScope();
        var content = rand([1, 3, 32, 32], generator: new Generator(51));
        var style = rand([1, 3, 40, 24], generator: new Generator(52)); // another size: resampled quantiles
        var image = rand([1, 3, 32, 32], generator: new Generator(53));
        var names = Layers.Select(l => l.Layer).ToArray();
        using var term = new SlicedWassersteinStyleTerm(extractor, [new StyleTensor(style)], extractor.Extract(content, names), Layers, weight: 1, LossNormalization.None);
        var imageFeatures = extractor.Extract(image, names);

        var value = term.Evaluate(imageFeatures, image).item<float>();
        var again = term.Evaluate(imageFeatures, image).item<float>();

        var seed = BitConverter.ToUInt64(SHA256.HashData(MemoryMarshal.AsBytes(image.data<float>().ToArray().AsSpan())));
        using var generator = new Generator(seed);
        var styleFeatures = extractor.Extract(style, names);
        var expected = Layers.Sum(l =>
        {
            var channels = (int)imageFeatures[l.Layer].shape[1];
            var directions = LossFunctions.RandomDirections(channels, channels, generator);
            return l.Weight * LossFunctions.SlicedWassersteinLayerLoss(imageFeatures[l.Layer], styleFeatures[l.Layer], directions).item<float>();
        });
        Assert.True(expected > 0);
        Assert.Equal(expected, value, expected * 1e-5);
        Assert.Equal(value, again);
    }

    [SkippableFact]
    public async Task A_run_with_the_sliced_wasserstein_statistic_lowers_its_style_term()
    {
        TestEnvironment.RequireWeights();
        using var scope = NewDisposeScope();
        var options = new StyleTransferOptions
        {
            Content = ImageInput.FromImage(ImageTensors.ToRgbImage(rand([1, 3, 32, 32], generator: new Generator(54)))),
            Styles = [new StyleImage(ImageTensors.ToRgbImage(rand([1, 3, 32, 32], generator: new Generator(55))))],
            OutputSize = 32,
            StartSize = 32,
            Iterations = 30,
            StyleStatistic = StyleStatistic.SlicedWasserstein,
            LossNormalization = LossNormalization.None, // the weight is the unscaled term's
            StyleWeight = 1e4,
            Seed = 5,
        };

        var result = await StyleTransfer.RunAsync(options);

        Assert.True(result.LossHistory[^1].Style < result.LossHistory[0].Style / 2, $"style term {result.LossHistory[0].Style:E3} → {result.LossHistory[^1].Style:E3}");
    }
}
