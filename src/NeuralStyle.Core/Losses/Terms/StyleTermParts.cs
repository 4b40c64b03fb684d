using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace NeuralStyle;

/// <summary>What every style term does the same way, whatever its statistic: blend weights, masks at a layer's size, detached targets.</summary>
internal static class StyleTermParts
{
    /// <summary>The styles' blend weights, normalised to sum to 1.</summary>
    public static double[] BlendWeights(IReadOnlyList<StyleTensor> styles)
    {
        var sum = styles.Sum(s => s.Weight);
        return styles.Select(s => s.Weight / sum).ToArray();
    }

    /// <summary>The mask averaged down to a layer's feature map size (each cell: the mask's mean over the pixels it covers), in float32.</summary>
    public static Tensor LayerMask(Tensor mask, Tensor features) =>
        adaptive_avg_pool2d(mask.to(float32), [features.shape[2], features.shape[3]]);

    /// <summary>The tensors detached from autograd and from any dispose scope: targets the term owns until it is disposed.</summary>
    public static Tensor[] Detach(IEnumerable<Tensor> tensors) => tensors.Select(t => t.detach().DetachFromDisposeScope()).ToArray();
}
