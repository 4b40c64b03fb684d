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
}
