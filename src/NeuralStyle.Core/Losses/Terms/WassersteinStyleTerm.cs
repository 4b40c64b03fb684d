using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>
/// The style term with Gaussian fits: Σₗ wₗ · W₂²(N(μₗ, Σₗ), N(μₜ, Σₜ)) / C
/// (<see cref="LossFunctions.WassersteinStyleLayerLoss"/>). Without masks the styles blend into one
/// target per layer, the Gaussian fit of their mixture (means and raw second moments averaged by blend
/// weight, as Gram matrices blend); with masks each style keeps its own fit and is compared with the
/// fit of its region (positions weighted by the mask), its loss weighted by its blend weight. The
/// targets' square roots are computed once.
/// </summary>
internal sealed class WassersteinStyleTerm : ILossTerm
{
    private readonly string[] _layers;
    private readonly double[] _layerWeights;
    private readonly Target[] _targets;
    private readonly bool _scaled;

    /// <param name="extractor">The network the style images are measured with (not kept).</param>
    /// <param name="styles">The style images at this scale, their blend weights and, for all or none, masks.</param>
    /// <param name="contentFeatures">The content image's features at (at least) the style layers: the sizes masks are pooled to.</param>
    /// <param name="layers">The style layers and their weights.</param>
    /// <param name="weight">The term's weight (β).</param>
    /// <param name="normalization">How each layer's mismatch is measured.</param>
    public WassersteinStyleTerm(IFeatureExtractor extractor, IReadOnlyList<StyleTensor> styles, IReadOnlyDictionary<string, Tensor> contentFeatures, IReadOnlyList<LayerWeight> layers, double weight, LossNormalization normalization)
    {
        _scaled = normalization != LossNormalization.None;
        _layers = layers.Select(l => l.Layer).ToArray();
        _layerWeights = layers.Select(l => l.Weight).ToArray();
        Weight = weight;
        var blendWeights = StyleTermParts.BlendWeights(styles);
        var moments = StyleTermParts.MeasureStyles(extractor, styles, _layers, f =>
        {
            var (mean, second) = Moments(f, null);
            return [mean, second];
        });
        _targets = styles[0].Mask is null
            ? [Fit(1.0, StyleTermParts.Blend(moments, blendWeights), null)]
            : styles.Select((s, i) => Fit(blendWeights[i], moments[i], _layers.Select(l => StyleTermParts.LayerMask(s.Mask!, contentFeatures[l])).ToArray())).ToArray();
    }

    public string Name => "style";

    public double Weight { get; }

    public IReadOnlyList<string> Layers => _layers;

    public Tensor Evaluate(IReadOnlyDictionary<string, Tensor> features, Tensor image)
    {
        Tensor? style = null;
        foreach (var target in _targets)
        {
            for (var i = 0; i < _layers.Length; i++)
            {
                var (mean, second) = Moments(features[_layers[i]], target.Masks?[i]);
                var covariance = second - mean.unsqueeze(2).bmm(mean.unsqueeze(1));
                var loss = LossFunctions.WassersteinStyleLayerLoss(mean, covariance, target.Means[i], target.Covariances[i], target.Roots[i], scaled: _scaled) * (_layerWeights[i] * target.Weight);
                style = style is null ? loss : style + loss;
            }
        }

        return style!;
    }

    public void Dispose()
    {
        foreach (var tensor in _targets.SelectMany(t => t.Means.Concat(t.Covariances).Concat(t.Roots).Concat(t.Masks ?? [])))
        {
            tensor.Dispose();
        }
    }

    /// <summary>The float32 mean (N × C) and raw second moment F·Fᵀ/positions (N × C × C) of a layer's features, positions weighted by a mask when there is one.</summary>
    private static (Tensor Mean, Tensor SecondMoment) Moments(Tensor features, Tensor? mask)
    {
        var flat = features.to(ScalarType.Float32).flatten(2); // N × C × P
        if (mask is null)
        {
            return (flat.mean([2]), flat.bmm(flat.transpose(1, 2)) / flat.shape[2]);
        }

        var total = mask.to(ScalarType.Float32).sum([1, 2, 3]).clamp_min(1e-8).unsqueeze(1); // N × 1
        var (sum, secondSum) = StyleTermParts.WeightedMoments(features, mask);
        return (sum / total, secondSum / total.unsqueeze(2));
    }

    /// <summary>A target from its moments per layer (<c>[layer]</c> = [mean, raw second moment]): means, covariances and their square roots, detached.</summary>
    private static Target Fit(double weight, Tensor[][] moments, Tensor[]? masks)
    {
        using var scope = NewDisposeScope();
        var means = moments.Select(m => m[0]).ToArray();
        var covariances = moments.Select(m => m[1] - m[0].unsqueeze(2).bmm(m[0].unsqueeze(1))).ToArray();
        var roots = covariances.Select(c => LossFunctions.MatrixSquareRoot(c)).ToArray();
        return new Target(weight, Detach(means), Detach(covariances), Detach(roots), masks is null ? null : Detach(masks));
    }

    private static Tensor[] Detach(IEnumerable<Tensor> tensors) => StyleTermParts.Detach(tensors);

    /// <summary>One target: its weight in the term, and per layer its means, covariances, their roots and (with masks) the region's mask.</summary>
    private sealed record Target(double Weight, Tensor[] Means, Tensor[] Covariances, Tensor[] Roots, Tensor[]? Masks);
}
