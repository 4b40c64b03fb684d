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

    /// <summary>
    /// Each style's statistic at each layer: <c>[style][layer][part]</c>, the parts being what
    /// <paramref name="measure"/> makes of the layer's features. One style's feature maps at a time:
    /// they are released once its statistics are made; the statistics land in the caller's dispose scope.
    /// </summary>
    public static Tensor[][][] MeasureStyles(IFeatureExtractor extractor, IReadOnlyList<StyleTensor> styles, string[] layers, Func<Tensor, Tensor[]> measure) =>
        styles.Select(s =>
        {
            using var styleScope = NewDisposeScope();
            var features = extractor.Extract(s.Image, layers);
            return layers.Select(l => measure(features[l]).Select(part => part.MoveToOuterDisposeScope()).ToArray()).ToArray();
        }).ToArray();

    /// <summary>The styles' statistics blended by weight, part by part: <c>[layer][part]</c> = Σᵢ wᵢ · statistics<c>[i][layer][part]</c>.</summary>
    public static Tensor[][] Blend(Tensor[][][] statistics, double[] weights) =>
        statistics[0].Select((layer, l) => layer.Select((_, k) => statistics.Select((style, i) => style[l][k] * weights[i]).Aggregate((a, b) => a + b)).ToArray()).ToArray();

    /// <summary>
    /// The float32 sums of a layer's features and of their outer products, each position weighted:
    /// Σₚ wₚ·fₚ (N × C) and Σₚ wₚ·fₚ·fₚᵀ (N × C × C), with <paramref name="weights"/> N×1×H×W.
    /// Divided by Σw they are a Gaussian fit's mean and raw second moment.
    /// </summary>
    public static (Tensor Sum, Tensor SecondSum) WeightedMoments(Tensor features, Tensor weights)
    {
        var flat = features.to(ScalarType.Float32).flatten(2); // N × C × P
        var weighted = flat * weights.to(ScalarType.Float32).flatten(2); // N × 1 × P broadcast
        return (weighted.sum([2]), weighted.bmm(flat.transpose(1, 2)));
    }

    /// <summary>The mask averaged down to a layer's feature map size (each cell: the mask's mean over the pixels it covers), in float32.</summary>
    public static Tensor LayerMask(Tensor mask, Tensor features) =>
        adaptive_avg_pool2d(mask.to(float32), [features.shape[2], features.shape[3]]);

    /// <summary>The tensors detached from autograd and from any dispose scope: targets the term owns until it is disposed.</summary>
    public static Tensor[] Detach(IEnumerable<Tensor> tensors) => tensors.Select(t => t.detach().DetachFromDisposeScope()).ToArray();
}
