using static TorchSharp.torch;

namespace NeuralStyle.Core.Tests;

/// <summary>The loss functions against values worked out by hand, and their gradients against finite differences.</summary>
public class LossFunctionsTests
{
    [Theory]
    [InlineData(GramNormalization.Positions, 4.0)]
    [InlineData(GramNormalization.ChannelsAndPositions, 8.0)]
    [InlineData(GramNormalization.None, 1.0)]
    public void Gram_matrix_of_a_2x2x2_feature_map(GramNormalization normalization, double divisor)
    {
        // Channel 0 = [1, 2, 3, 4], channel 1 = [0, 1, 0, 1]:
        // F·Fᵀ = [[1+4+9+16, 0+2+0+4], [6, 0+1+0+1]] = [[30, 6], [6, 2]].
        using var scope = NewDisposeScope();
        var features = tensor(new float[] { 1, 2, 3, 4, 0, 1, 0, 1 }, [1, 2, 2, 2]);

        var gram = LossFunctions.GramMatrix(features, normalization);

        Assert.Equal([1L, 2, 2], gram.shape);
        Assert.Equal([(float)(30 / divisor), (float)(6 / divisor), (float)(6 / divisor), (float)(2 / divisor)], gram.data<float>().ToArray());
    }

    [Fact]
    public void Gram_matrix_is_computed_per_batch_item()
    {
        using var scope = NewDisposeScope();
        var first = tensor(new float[] { 1, 2, 3, 4, 0, 1, 0, 1 }, [1, 2, 2, 2]);
        var second = tensor(new float[] { 2, 0, 0, 0, 0, 0, 0, 3 }, [1, 2, 2, 2]);

        var gram = LossFunctions.GramMatrix(cat([first, second], 0));

        Assert.Equal([7.5f, 1.5f, 1.5f, 0.5f], gram[0].data<float>().ToArray());
        Assert.Equal([1f, 0f, 0f, 2.25f], gram[1].data<float>().ToArray());
    }

    [Fact]
    public void Content_loss_is_the_mean_squared_difference()
    {
        using var scope = NewDisposeScope();
        var features = tensor(new float[] { 1, 2, 3, 4 }, [1, 1, 2, 2]);
        var target = ones(1, 1, 2, 2);

        // (0² + 1² + 2² + 3²) / 4 = 3.5
        Assert.Equal(3.5f, LossFunctions.ContentLoss(features, target).item<float>());
    }

    [Fact]
    public void Style_layer_loss_is_the_mean_squared_gram_difference()
    {
        using var scope = NewDisposeScope();
        var gram = tensor(new float[] { 7.5f, 1.5f, 1.5f, 0.5f }, [1, 2, 2]);
        var target = tensor(new float[] { 5.5f, 1.5f, 0.5f, 0.5f }, [1, 2, 2]);

        // (2² + 0 + 1² + 0) / 4 = 1.25
        Assert.Equal(1.25f, LossFunctions.StyleLayerLoss(gram, target).item<float>());
    }

    [Fact]
    public void Style_loss_weights_layers_and_defaults_to_their_mean()
    {
        using var scope = NewDisposeScope();
        Tensor[] grams = [full(1, 2, 2, 3f), full(1, 3, 3, 1f)];
        Tensor[] targets = [full(1, 2, 2, 1f), full(1, 3, 3, 0f)];

        // Layer losses 4 and 1.
        Assert.Equal(2.5f, LossFunctions.StyleLoss(grams, targets).item<float>());
        Assert.Equal(4f * 0.5f + (1f * 2f), LossFunctions.StyleLoss(grams, targets, [0.5, 2.0]).item<float>());
    }

    [Fact]
    public void Total_variation_of_a_known_image()
    {
        // [[1, 2, 4],
        //  [0, 0, 0]]: vertical differences −1, −2, −4; horizontal 1, 2 (row 1) and 0, 0 (row 2).
        using var scope = NewDisposeScope();
        var image = tensor(new float[] { 1, 2, 4, 0, 0, 0 }, [1, 1, 2, 3]);

        Assert.Equal(7f + 3f, LossFunctions.TotalVariationLoss(image, TotalVariationNorm.AbsoluteSum).item<float>());
        Assert.Equal(21f + 5f, LossFunctions.TotalVariationLoss(image, TotalVariationNorm.SquaredSum).item<float>());
        Assert.Equal((21f / 3) + (5f / 4), LossFunctions.TotalVariationLoss(image, TotalVariationNorm.SquaredMean).item<float>(), 5);
        Assert.Equal((7f / 3) + (3f / 4), LossFunctions.TotalVariationLoss(image, TotalVariationNorm.AbsoluteMean).item<float>(), 5);
    }

    [Fact]
    public void Masked_gram_matrix_counts_only_the_masked_positions()
    {
        // Channel 0 = [1, 2, 3, 4], channel 1 = [0, 1, 0, 1]; mask keeps positions 2 and 4 (values 2, 4 and 1, 1):
        // F·Fᵀ over them = [[4+16, 2+4], [6, 1+1]] = [[20, 6], [6, 2]], divided by the 2 positions.
        using var scope = NewDisposeScope();
        var features = tensor(new float[] { 1, 2, 3, 4, 0, 1, 0, 1 }, [1, 2, 2, 2]);
        var mask = tensor(new float[] { 0, 1, 0, 1 }, [1, 1, 2, 2]);

        var gram = LossFunctions.MaskedGramMatrix(features, mask);

        Assert.Equal([10f, 3f, 3f, 1f], gram.data<float>().ToArray());
        Assert.Equal(
            LossFunctions.GramMatrix(features).data<float>().ToArray(),
            LossFunctions.MaskedGramMatrix(features, ones(1, 1, 2, 2)).data<float>().ToArray());
        Assert.Throws<ArgumentException>(() => LossFunctions.MaskedGramMatrix(features, ones(1, 1, 2, 3)));
    }

    [Fact]
    public void Total_loss_is_the_weighted_sum()
    {
        using var scope = NewDisposeScope();

        var total = LossFunctions.TotalLoss(tensor(2f), tensor(3f), tensor(5f), 10, 100, 1000);

        Assert.Equal(20f + 300f + 5000f, total.item<float>());
    }

    [Fact]
    public void Mismatched_shapes_are_argument_errors()
    {
        using var scope = NewDisposeScope();

        Assert.Throws<ArgumentException>(() => LossFunctions.ContentLoss(zeros(1, 2, 3, 3), zeros(1, 2, 3, 4)));
        Assert.Throws<ArgumentException>(() => LossFunctions.GramMatrix(zeros(2, 3, 3)));
        Assert.Throws<ArgumentException>(() => LossFunctions.StyleLoss([zeros(1, 2, 2)], [zeros(1, 2, 2), zeros(1, 2, 2)]));
        Assert.Throws<ArgumentException>(() => LossFunctions.TotalVariationLoss(zeros(1, 3, 1, 5), TotalVariationNorm.AbsoluteMean));
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(1, true)]
    [InlineData(2, true)]
    public void Gram_matrix_gradient_is_exact_for_a_use_that_is_not_symmetric_in_it(int batch, bool channelsLast)
    {
        // L = Σ R ⊙ G with a non-symmetric R: ∂L/∂F = (R + Rᵀ)·F / d, by hand. A backward that
        // assumed ∂L/∂G symmetric (2·R·F / d) or kept one factor only (R·F / d) fails this. The
        // channels-last cases (NHWC in memory, as bfloat16 features come) take their own paths.
        using var scope = NewDisposeScope();
        var generator = new Generator(7);
        var values = rand([batch, 3, 2, 2], float64, generator: generator);
        var features = (channelsLast ? ChannelsLast(values) : values).requires_grad_(true);
        var weights = rand([batch, 3, 3], float64, generator: generator);

        var gram = LossFunctions.GramMatrix(features);
        (gram * weights).sum().backward();

        var flat = values.reshape(batch, 3, 4);
        Assert.True(gram.allclose(flat.bmm(flat.transpose(1, 2)) / 4.0, rtol: 1e-12, atol: 1e-12), "G ≠ F·Fᵀ / (H·W)");
        var expected = (weights + weights.transpose(1, 2)).bmm(flat) / 4.0;
        Assert.True(features.grad!.reshape(batch, 3, 4).allclose(expected, rtol: 1e-12, atol: 1e-12), "∂L/∂F ≠ (R + Rᵀ)·F / (H·W)");
    }

    [Fact]
    public void Gram_matrix_gradient_of_a_channels_last_map_is_channels_last()
    {
        // An NCHW gradient for channels-last features would make the rest of the backward pass mix
        // memory layouts, which libtorch's elementwise kernels run about ten times slower.
        // autograd.grad hands back the gradient as the backward made it; a leaf's .grad would be
        // copied into the leaf's layout and hide the difference.
        using var scope = NewDisposeScope();
        var features = ChannelsLast(rand([1, 64, 12, 16], bfloat16, generator: new Generator(3))).requires_grad_(true);

        var gradient = autograd.grad([LossFunctions.GramMatrix(features).to(float32).sum()], [features])[0];

        Assert.Equal([12288L, 1, 1024, 64], features.stride());
        Assert.Equal(features.stride(), gradient.stride());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Masked_gram_matrix_gradient_weights_each_position_by_the_squared_mask(bool channelsLast)
    {
        // G = F·diag(m²)·Fᵀ / Σm², so for L = Σ R ⊙ G: ∂L/∂F = (R + Rᵀ)·F·diag(m²) / Σm², by hand.
        using var scope = NewDisposeScope();
        var generator = new Generator(11);
        var values = rand([1, 3, 2, 2], float64, generator: generator);
        var features = (channelsLast ? ChannelsLast(values) : values).requires_grad_(true);
        var mask = rand([1, 1, 2, 2], float64, generator: generator);
        var weights = rand([1, 3, 3], float64, generator: generator);

        var gram = LossFunctions.MaskedGramMatrix(features, mask);
        (gram * weights).sum().backward();

        var flat = values.reshape(1, 3, 4);
        var squared = mask.square().reshape(1, 1, 4);
        var area = squared.sum().item<double>();
        Assert.True(gram.allclose((flat * squared).bmm(flat.transpose(1, 2)) / area, rtol: 1e-12, atol: 1e-12), "G ≠ F·diag(m²)·Fᵀ / Σm²");
        var expected = (weights + weights.transpose(1, 2)).bmm(flat) * squared / area;
        Assert.True(features.grad!.reshape(1, 3, 4).allclose(expected, rtol: 1e-12, atol: 1e-12), "∂L/∂F ≠ (R + Rᵀ)·F·diag(m²) / Σm²");
    }

    public static TheoryData<string> Losses => ["content", "style", "masked-style", "tv-abs", "tv-squared"];

    [Theory]
    [MemberData(nameof(Losses))]
    public void Gradients_match_finite_differences(string loss)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(42);
        var x = rand([1, 2, 3, 4], float64, generator: generator).requires_grad_(true);
        var target = rand([1, 2, 3, 4], float64, generator: generator);
        var mask = rand([1, 1, 3, 4], float64, generator: generator);
        using (no_grad())
        {
            target = loss.EndsWith("style", StringComparison.Ordinal) ? LossFunctions.GramMatrix(target) : target;
        }

        Tensor Loss(Tensor input) => loss switch
        {
            "content" => LossFunctions.ContentLoss(input, target),
            "style" => LossFunctions.StyleLayerLoss(LossFunctions.GramMatrix(input), target),
            "masked-style" => LossFunctions.StyleLayerLoss(LossFunctions.MaskedGramMatrix(input, mask), target),
            "tv-abs" => LossFunctions.TotalVariationLoss(input, TotalVariationNorm.AbsoluteSum),
            _ => LossFunctions.TotalVariationLoss(input, TotalVariationNorm.SquaredSum),
        };

        Loss(x).backward();
        var analytic = x.grad!.flatten().data<double>().ToArray();

        const double h = 1e-6;
        var flat = x.detach().flatten();
        for (var i = 0; i < flat.shape[0]; i++)
        {
            using var step = zeros_like(flat);
            step[i] = tensor(h, float64);
            var plus = Loss((flat + step).reshape(x.shape)).item<double>();
            var minus = Loss((flat - step).reshape(x.shape)).item<double>();
            var numeric = (plus - minus) / (2 * h);
            Assert.True(Math.Abs(numeric - analytic[i]) <= 1e-5 + (1e-4 * Math.Abs(numeric)), $"{loss} ∂/∂x[{i}]: numeric {numeric}, autograd {analytic[i]}");
        }
    }

    /// <summary>The same values with channels-last strides (NHWC in memory), the shape still NCHW.</summary>
    private static Tensor ChannelsLast(Tensor nchw) => nchw.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
}
