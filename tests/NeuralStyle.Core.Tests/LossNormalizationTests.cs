using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Core.Tests;

/// <summary>
/// The scaled losses (<see cref="LossNormalization"/>) against values and gradients worked out
/// by hand, the promised gradient size, and finite differences (in float64); then the terms that use them.
/// </summary>
public sealed class LossNormalizationTests
{
    [Fact]
    public void The_scaled_squared_error_and_its_gradient_match_the_hand_worked_values()
    {
        // d = (1, 2, 3) − (0, 0, 5) = (1, 2, −2): Σd² = 9, Σ|d| = 5, value 9/5 = 1.8;
        // gradient 2d/5 − 9·sign(d)/25 = (0.4 − 0.36, 0.8 − 0.36, −0.8 + 0.36) = (0.04, 0.44, −0.44).
        using var scope = NewDisposeScope();
        var input = tensor(new double[] { 1, 2, 3 }).requires_grad_(true);

        var loss = LossFunctions.ScaledSquaredError(input, tensor(new double[] { 0, 0, 5 }), epsilon: 0);
        loss.backward();

        Assert.Equal(1.8, loss.item<double>(), 12);
        TensorAssert.Close([0.04, 0.44, -0.44], input.grad!, 1e-12);
    }

    [Theory]
    [InlineData(1e-3, 4)]
    [InlineData(1.0, 10)]
    [InlineData(1e3, 1000)]
    public void When_the_residuals_are_alike_the_gradient_has_an_L1_norm_of_one_at_any_size_and_scale(double magnitude, int count)
    {
        // d = ±a, n of them: the value is n·a²/(n·a) = a, and each gradient element ±(2a/(n·a) − n·a²/(n·a)²) = ±1/n.
        using var scope = NewDisposeScope();
        var signs = tensor(Enumerable.Range(0, count).Select(i => i % 3 == 0 ? -1.0 : 1.0).ToArray());
        var input = (signs * magnitude).requires_grad_(true);

        var loss = LossFunctions.ScaledSquaredError(input, zeros(count, dtype: float64), epsilon: 0);
        loss.backward();

        Assert.Equal(magnitude, loss.item<double>(), magnitude * 1e-12);
        Assert.Equal(1.0, input.grad!.abs().sum().item<double>(), 1e-12);
    }

    [Fact]
    public void The_scaled_squared_error_broadcasts_its_target_and_refuses_one_that_does_not_fit()
    {
        // Target 1 for every element: d = (0, 1, 2, 3), Σd² = 14, Σ|d| = 6.
        using var scope = NewDisposeScope();
        var input = tensor(new float[] { 1, 2, 3, 4 }, [2, 2]);

        Assert.Equal(14f / 6, LossFunctions.ScaledSquaredError(input, ones(1), epsilon: 0).item<float>(), 6);
        Assert.Throws<ArgumentException>(() => LossFunctions.ScaledSquaredError(input, ones(3)));
    }

    [Fact]
    public void The_scaled_squared_error_gradient_matches_finite_differences()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(5);
        var target = randn([2, 3, 4], dtype: float64, generator: generator);
        var input = randn([2, 3, 4], dtype: float64, generator: generator);

        TensorAssert.GradientMatchesFiniteDifferences(x => LossFunctions.ScaledSquaredError(x, target), input, 1e-6);
    }

    [Fact]
    public void The_scaled_wasserstein_distance_is_the_root_of_the_distance_per_channel()
    {
        // The hand-worked pair of WassersteinLossTests: (5 + 8)/2 = 6.5 per channel, scaled √6.5.
        using var scope = NewDisposeScope();
        var loss = LossFunctions.WassersteinStyleLayerLoss(
            zeros(1, 2, dtype: float64),
            diag(tensor(new double[] { 1, 4 })).unsqueeze(0),
            tensor(new double[] { 1, 2 }, [1, 2]),
            diag(tensor(new double[] { 9, 16 })).unsqueeze(0),
            scaled: true);

        Assert.Equal(Math.Sqrt(6.5), loss.item<double>(), 6);
    }

    [Fact]
    public void The_scaled_wasserstein_gradient_matches_finite_differences()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(7);
        var (targetMean, targetCovariance) = LossFunctions.GaussianFit(randn([1, 3, 4, 5], dtype: float64, generator: generator));
        var features = randn([1, 3, 4, 5], dtype: float64, generator: generator);
        Tensor Loss(Tensor f)
        {
            var (mean, covariance) = LossFunctions.GaussianFit(f);
            return LossFunctions.WassersteinStyleLayerLoss(mean, covariance, targetMean, targetCovariance, iterations: 40, scaled: true);
        }

        TensorAssert.GradientMatchesFiniteDifferences(Loss, features, 1e-4);
    }

    [Fact]
    public void The_scaled_sliced_wasserstein_loss_scales_the_sorted_residuals()
    {
        // Sorted [1, 2, 3] against sorted [10, 20, 30]: d = (−9, −18, −27), Σd² = 1134, Σ|d| = 54, value 21.
        using var scope = NewDisposeScope();
        var loss = LossFunctions.SlicedWassersteinLayerLoss(
            tensor(new float[] { 3, 1, 2 }, [1, 1, 1, 3]), tensor(new float[] { 10, 30, 20 }, [1, 1, 1, 3]), ones(1, 1), scaled: true);

        Assert.Equal(21f, loss.item<float>(), 4);
    }

    [Theory]
    [InlineData(LossNormalization.All, 7.1)] // scaled: layer a 11/5 = 2.2, layer b 18/6 = 3; 0.5 · 2.2 + 2 · 3
    [InlineData(LossNormalization.Style, 19.375)] // mean squared: layer a 11/4, layer b 18/2; 0.5 · 2.75 + 2 · 9
    [InlineData(LossNormalization.None, 19.375)]
    public void The_content_term_is_scaled_only_when_every_layer_is(LossNormalization normalization, double expected)
    {
        // Layer a: d = (1, −1, 3, 0), Σd² = 11, Σ|d| = 5, weight 0.5. Layer b: d = (3, 3), Σd² = 18, Σ|d| = 6, weight 2.
        using var scope = NewDisposeScope();
        var targets = new Dictionary<string, Tensor> { ["a"] = zeros(1, 1, 2, 2), ["b"] = ones(1, 2, 1, 1) };
        var features = new Dictionary<string, Tensor> { ["a"] = tensor(new float[] { 1, -1, 3, 0 }, [1, 1, 2, 2]), ["b"] = full(1, 2, 1, 1, 4f) };
        using var term = new ContentTerm(targets, [new LayerWeight("a", 0.5), new LayerWeight("b", 2)], weight: 1, normalization);

        Assert.Equal(expected, term.Evaluate(features, zeros(1, 3, 2, 2)).item<float>(), 5);
    }

    [SkippableFact]
    public void The_normalized_gram_term_scales_each_layer_s_gram_residual()
    {
        var extractor = SharedExtractor.Get();
        using var scope = NewDisposeScope();
        var content = rand([1, 3, 32, 32], generator: new Generator(41));
        var style = rand([1, 3, 32, 32], generator: new Generator(42));
        var image = rand([1, 3, 32, 32], generator: new Generator(43));
        LayerWeight[] layers = [new("block1_conv1", 0.25), new("block2_conv1", 4)];
        var names = layers.Select(l => l.Layer).ToArray();
        using var term = new GramStyleTerm(extractor, [new StyleTensor(style)], extractor.Extract(content, names), layers, weight: 1, LossNormalization.Style);
        var imageFeatures = extractor.Extract(image, names);
        var styleFeatures = extractor.Extract(style, names);

        // Each layer by hand: Σ(G − A)² / Σ|G − A| of the two images' Gram matrices.
        var expected = layers.Sum(l =>
        {
            var residual = LossFunctions.GramMatrix(imageFeatures[l.Layer]).to(float64) - LossFunctions.GramMatrix(styleFeatures[l.Layer]).to(float64);
            return l.Weight * residual.square().sum().item<double>() / residual.abs().sum().item<double>();
        });
        Assert.Equal(expected, term.Evaluate(imageFeatures, image).item<float>(), expected * 1e-5);
    }
}
