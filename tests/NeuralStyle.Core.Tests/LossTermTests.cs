using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Core.Tests;

/// <summary>
/// A loss term is one class: the video issue's temporal term, added to the objective as it is,
/// counts in the total and in the gradient with its weight, values computed here by hand.
/// </summary>
public sealed class LossTermTests
{
    [Fact]
    public void The_temporal_term_is_the_masked_mean_squared_difference_to_the_warped_frame()
    {
        using var scope = NewDisposeScope();
        // One channel shown per pixel; all three channels alike. x − w = (0.1, −0.2, 0.3, 0.4) at the
        // four pixels, the mask keeps the first three: (0.01 + 0.04 + 0.09) · 3 channels / 12 values.
        var x = tensor(new[] { 0.5f, 0.5f, 0.5f, 0.5f }).view(1, 1, 2, 2).expand(1, 3, 2, 2).contiguous();
        var w = tensor(new[] { 0.4f, 0.7f, 0.2f, 0.1f }).view(1, 1, 2, 2).expand(1, 3, 2, 2).contiguous();
        var mask = tensor(new[] { 1f, 1f, 1f, 0f }).view(1, 1, 2, 2);
        using var term = new TemporalTerm(w, mask, weight: 5);

        var value = term.Evaluate(new Dictionary<string, Tensor>(), x).item<float>();

        Assert.Equal(0.14 * 3 / 12, value, 1e-6);
        Assert.Empty(term.Layers);
    }

    [SkippableFact]
    public void A_term_added_to_the_objective_counts_in_the_total_and_in_the_gradient_with_its_weight()
    {
        var extractor = SharedExtractor.Get();
        using var scope = NewDisposeScope();
        var content = rand([1, 3, 32, 32], generator: new Generator(31));
        var style = rand([1, 3, 32, 32], generator: new Generator(32));
        var warped = rand([1, 3, 32, 32], generator: new Generator(33));
        var mask = (rand([1, 1, 32, 32], generator: new Generator(34)) > 0.3).to(ScalarType.Float32);
        var image = rand([1, 3, 32, 32], generator: new Generator(35));
        const double Weight = 1e3;
        var settings = new StyleOptimizerSettings();
        using var plain = new WholeImageObjective(new StyleObjective(extractor, content, [new StyleTensor(style)], settings));
        using var temporal = new WholeImageObjective(new StyleObjective(extractor, content, [new StyleTensor(style)], settings, [new TemporalTerm(warped, mask, Weight)]));
        var plainGradient = zeros_like(image);
        var temporalGradient = zeros_like(image);

        var without = plain.Evaluate(image, plainGradient);
        var with = temporal.Evaluate(image, temporalGradient);

        // By hand: λ · Σ c·(x − w)² / N in the total, and λ · 2c·(x − w) / N in the gradient.
        var difference = (image - warped) * mask;
        var expectedTerm = Weight * difference.square().sum().item<float>() / image.numel();
        Assert.Equal((without.Content, without.Style, without.TotalVariation), (with.Content, with.Style, with.TotalVariation));
        Assert.Equal(without.Total + expectedTerm, with.Total, Math.Abs(with.Total) * 1e-5);
        var expectedGradient = plainGradient + (difference * (2 * Weight / image.numel()));
        var scale = expectedGradient.abs().max().item<float>();
        Assert.True(temporalGradient.allclose(expectedGradient, rtol: 1e-4, atol: scale * 1e-5), $"largest difference {(temporalGradient - expectedGradient).abs().max().item<float>():E2} of {scale:E2}");
    }
}
