using static TorchSharp.torch;

namespace NeuralStyle.Core.Tests;

/// <summary>The feed-forward style network's shape: its parameters counted by hand, and sizes in equal sizes out.</summary>
public sealed class TransformerNetworkTests
{
    [Fact]
    public void At_width_32_it_has_the_papers_1_68_million_parameters_counted_by_hand()
    {
        // Each convolution k·k·in·out + out, each instance norm 2·channels (w = 32):
        // 9·9·3·32 + 32 + 64 = 7872; 3·3·32·64 + 64 + 128 = 18624; 3·3·64·128 + 128 + 256 = 74112;
        // five residual blocks of 2·(3·3·128·128 + 128) + 2·256 = 295680; 3·3·128·64 + 64 + 128 = 73920;
        // 3·3·64·32 + 32 + 64 = 18528; 9·9·32·3 + 3 = 7779.
        using var network = new TransformerNetwork(width: 32);

        Assert.Equal(7872 + 18624 + 74112 + (5 * 295680) + 73920 + 18528 + 7779, network.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void A_picture_comes_out_the_size_it_went_in()
    {
        using var network = new TransformerNetwork(width: 8);
        using var scope = NewDisposeScope();

        var output = network.forward(rand(2, 3, 68, 92));

        Assert.Equal([2L, 3, 68, 92], output.shape);
    }

    [Fact]
    public void Two_networks_made_after_the_same_seed_start_equal_with_norms_of_scale_1_and_shift_0()
    {
        manual_seed(5);
        using var first = new TransformerNetwork(width: 4);
        manual_seed(5);
        using var second = new TransformerNetwork(width: 4);

        foreach (var ((name, a), (_, b)) in first.named_parameters().Zip(second.named_parameters()))
        {
            Assert.True(a.data<float>().ToArray().SequenceEqual(b.data<float>().ToArray()), name);
            if (name.Contains(".norm", StringComparison.Ordinal))
            {
                Assert.All(a.data<float>().ToArray(), v => Assert.Equal(name.EndsWith(".weight", StringComparison.Ordinal) ? 1f : 0f, v));
            }
        }
    }

    [Fact]
    public void Its_gradients_do_not_depend_on_what_happens_to_memory_between_the_forward_and_backward_pass()
    {
        // Memory freed after the forward pass is taken and overwritten before the backward pass: a
        // network that freed what its backward pass reads gives other (often non-finite) gradients.
        manual_seed(3);
        using var network = new TransformerNetwork(width: 32);
        using var input = rand(1, 3, 32, 32);
        var undisturbed = Gradients(network, input, overwriteFreedMemory: false);

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(undisturbed, Gradients(network, input, overwriteFreedMemory: true));
        }
    }

    [Fact]
    public void Its_gradients_stay_finite_when_the_memory_they_are_computed_in_last_held_NaN()
    {
        // Freed memory full of NaN is what a training step finds after earlier steps: a kernel that
        // reads memory it never wrote (libtorch's NCHW backward of the last 9 × 9 convolution to RGB
        // did) turns every gradient upstream of it into NaN.
        manual_seed(4);
        using var network = new TransformerNetwork(width: 32);
        using var input = rand(1, 3, 32, 32);
        var clean = Gradients(network, input, overwriteFreedMemory: false);

        for (var i = 0; i < 5; i++)
        {
            var gradients = Gradients(network, input, overwriteFreedMemory: true, with: float.NaN);
            Assert.All(gradients, g => Assert.True(float.IsFinite(g)));
            Assert.Equal(clean, gradients);
        }
    }

    [Fact]
    public void Training_refuses_widths_below_32()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new StyleTrainingOptions { Style = new NeuralStyle.Imaging.RgbImage(1, 1, new byte[3]), Photos = [], Width = 16 });

        Assert.Contains("Width must be between 32 and 128; it was 16.", error.Message);
    }

    [Theory]
    [InlineData(StyleStatistic.Wasserstein, LossNormalization.None)]
    [InlineData(StyleStatistic.Gram, LossNormalization.Style)]
    public void Training_refuses_a_style_statistic_or_normalisation_it_does_not_use(StyleStatistic statistic, LossNormalization normalization)
    {
        var options = new StyleTrainingOptions
        {
            Style = new NeuralStyle.Imaging.RgbImage(1, 1, new byte[3]),
            Photos = ["a.jpg"],
            Losses = new StyleOptimizerSettings { StyleStatistic = statistic, LossNormalization = normalization },
        };

        var error = Assert.Throws<ArgumentException>(() => options.Validate());

        Assert.StartsWith($"Training a style compares Gram matrices without loss normalisation; Losses asks for {statistic} with {normalization} normalisation: set StyleStatistic = Gram and LossNormalization = None.", error.Message);
    }

    private static float[] Gradients(TransformerNetwork network, Tensor input, bool overwriteFreedMemory, float with = 1e30f)
    {
        using var scope = NewDisposeScope();
        foreach (var parameter in network.parameters())
        {
            parameter.grad?.zero_();
        }

        var output = network.forward(input);
        var loss = (output * output).mean();
        if (overwriteFreedMemory)
        {
            for (var size = 1 << 10; size <= 1 << 24; size <<= 1)
            {
                for (var i = 0; i < 3; i++)
                {
                    using var other = full(size, with);
                }
            }
        }

        loss.backward();
        return network.parameters().SelectMany(p => p.grad!.data<float>().ToArray()).ToArray();
    }
}
