using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Core.Tests;

/// <summary>
/// The Wasserstein style term on VGG19's features: its value is the layer-weighted sum of
/// <see cref="LossFunctions.WassersteinStyleLayerLoss"/> between Gaussian fits taken here with
/// <see cref="LossFunctions.GaussianFit"/>; several styles blend as the fit of their mixture; a mask
/// fits only its region; and a run with it lowers its style term.
/// </summary>
public sealed class WassersteinStyleTermTests
{
    private static readonly LayerWeight[] Layers = [new("block1_conv1", 0.5), new("block2_conv1", 0.25), new("block3_conv1", 0.25)];

    [SkippableFact]
    public void One_style_gives_the_weighted_sum_of_the_layers_wasserstein_distances()
    {
        var extractor = SharedExtractor.Get();
        using var scope = NewDisposeScope();
        var (content, style, image) = Images();
        var names = Layers.Select(l => l.Layer).ToArray();
        var contentFeatures = extractor.Extract(content, names);
        using var term = new WassersteinStyleTerm(extractor, [new StyleTensor(style)], contentFeatures, Layers, weight: 1, LossNormalization.None);

        var value = term.Evaluate(extractor.Extract(image, names), image).item<float>();

        var styleFeatures = extractor.Extract(style, names);
        var imageFeatures = extractor.Extract(image, names);
        var expected = Layers.Sum(l =>
        {
            var (mean, covariance) = LossFunctions.GaussianFit(imageFeatures[l.Layer]);
            var (targetMean, targetCovariance) = LossFunctions.GaussianFit(styleFeatures[l.Layer]);
            return l.Weight * LossFunctions.WassersteinStyleLayerLoss(mean, covariance, targetMean, targetCovariance).item<float>();
        });
        Assert.True(expected > 0);
        Assert.Equal(expected, value, expected * 1e-4);
    }

    [SkippableFact]
    public void Two_styles_blend_as_the_gaussian_fit_of_their_mixture()
    {
        var extractor = SharedExtractor.Get();
        using var scope = NewDisposeScope();
        var (content, style, image) = Images();
        var other = rand([1, 3, 32, 32], generator: new Generator(44));
        var names = Layers.Select(l => l.Layer).ToArray();
        using var term = new WassersteinStyleTerm(extractor, [new StyleTensor(style, 1), new StyleTensor(other, 3)], extractor.Extract(content, names), Layers, weight: 1, LossNormalization.None);

        var value = term.Evaluate(extractor.Extract(image, names), image).item<float>();

        // The mixture with weights 1/4 and 3/4: μ = Σ wᵢμᵢ; Σ = Σ wᵢ(Σᵢ + μᵢμᵢᵀ) − μμᵀ.
        var first = extractor.Extract(style, names);
        var second = extractor.Extract(other, names);
        var imageFeatures = extractor.Extract(image, names);
        var expected = Layers.Sum(l =>
        {
            var (m1, c1) = LossFunctions.GaussianFit(first[l.Layer]);
            var (m2, c2) = LossFunctions.GaussianFit(second[l.Layer]);
            var mean = m1 * 0.25 + m2 * 0.75;
            var raw = (c1 + Outer(m1)) * 0.25 + (c2 + Outer(m2)) * 0.75;
            var (imageMean, imageCovariance) = LossFunctions.GaussianFit(imageFeatures[l.Layer]);
            return l.Weight * LossFunctions.WassersteinStyleLayerLoss(imageMean, imageCovariance, mean, raw - Outer(mean)).item<float>();
        });
        Assert.Equal(expected, value, expected * 1e-4);
    }

    [SkippableFact]
    public void A_mask_fits_only_its_region()
    {
        var extractor = SharedExtractor.Get();
        using var scope = NewDisposeScope();
        var (content, style, noise) = Images();
        var image = cat([noise[.., .., .., ..16], full(1, 3, 32, 16, 0.9f)], 3); // the right half flat: its fit is far from the left's
        LayerWeight[] layer = [new("block1_conv1", 1)];
        var left = cat([ones(1, 1, 32, 16), zeros(1, 1, 32, 16)], 3); // the left half: block1 keeps 32 × 32, so the mask stays 0/1
        using var term = new WassersteinStyleTerm(extractor, [new StyleTensor(style, 1.0, left)], extractor.Extract(content, ["block1_conv1"]), layer, weight: 1, LossNormalization.None);

        var imageFeatures = extractor.Extract(image, ["block1_conv1"])["block1_conv1"];
        var value = term.Evaluate(new Dictionary<string, Tensor> { ["block1_conv1"] = imageFeatures }, image).item<float>();

        var (mean, covariance) = LossFunctions.GaussianFit(imageFeatures[.., .., .., ..16]);
        var (targetMean, targetCovariance) = LossFunctions.GaussianFit(extractor.Extract(style, ["block1_conv1"])["block1_conv1"]);
        var expected = LossFunctions.WassersteinStyleLayerLoss(mean, covariance, targetMean, targetCovariance).item<float>();
        var (wholeMean, wholeCovariance) = LossFunctions.GaussianFit(imageFeatures);
        var whole = LossFunctions.WassersteinStyleLayerLoss(wholeMean, wholeCovariance, targetMean, targetCovariance).item<float>();

        // float32 moments over 1024 positions (half of them weighted 0) and over 512 differ in rounding,
        // which the covariances' small eigenvalues magnify: within 1 %, against a whole-image fit 10 % away and more.
        Assert.Equal(expected, value, expected * 1e-2);
        Assert.True(Math.Abs(whole - expected) > expected * 0.1, $"the whole image's fit ({whole}) is as close as the region's ({expected})");
    }

    [SkippableFact]
    public async Task A_run_with_the_wasserstein_statistic_lowers_its_style_term()
    {
        var extractor = SharedExtractor.Get();
        var (content, style, _) = Images();
        var options = new StyleTransferOptions
        {
            Content = ImageInput.FromImage(ImageTensors.ToRgbImage(content)),
            Styles = [new StyleImage(ImageTensors.ToRgbImage(style))],
            OutputSize = 32,
            StartSize = 32,
            Iterations = 30,
            StyleStatistic = StyleStatistic.Wasserstein,
            LossNormalization = LossNormalization.None, // the weight is the unscaled term's
            StyleWeight = 1e4,
            Seed = 5,
        };

        var result = await StyleTransfer.RunAsync(options);

        Assert.True(result.LossHistory[^1].Style < result.LossHistory[0].Style / 2, $"style term {result.LossHistory[0].Style:E3} → {result.LossHistory[^1].Style:E3}");
        _ = extractor;
    }

    private static Tensor Outer(Tensor mean) => mean.unsqueeze(2).bmm(mean.unsqueeze(1));

    private static (Tensor Content, Tensor Style, Tensor Image) Images() =>
        (rand([1, 3, 32, 32], generator: new Generator(41)), rand([1, 3, 32, 32], generator: new Generator(42)), rand([1, 3, 32, 32], generator: new Generator(43)));
}
