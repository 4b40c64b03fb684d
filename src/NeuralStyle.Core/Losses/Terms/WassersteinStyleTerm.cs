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
    private readonly LossNormalization _normalization;

    /// <param name="extractor">The network the style images are measured with (not kept).</param>
    /// <param name="styles">The style images at this scale, their blend weights and, for all or none, masks.</param>
    /// <param name="contentFeatures">The content image's features at (at least) the style layers: the sizes masks are pooled to.</param>
    /// <param name="layers">The style layers and their weights.</param>
    /// <param name="weight">The term's weight (β).</param>
    /// <param name="normalization">How each layer's mismatch is measured.</param>
    public WassersteinStyleTerm(IFeatureExtractor extractor, IReadOnlyList<StyleTensor> styles, IReadOnlyDictionary<string, Tensor> contentFeatures, IReadOnlyList<LayerWeight> layers, double weight, LossNormalization normalization)
    {
        _normalization = normalization;
        _layers = layers.Select(l => l.Layer).ToArray();
        _layerWeights = layers.Select(l => l.Weight).ToArray();
        Weight = weight;
        var blendWeights = StyleTermParts.BlendWeights(styles);
        var moments = styles.Select(s =>
        {
            // One style's feature maps at a time: they are released once its moments are taken.
            using var styleScope = NewDisposeScope();
            var features = extractor.Extract(s.Image, _layers);
            return _layers.Select(l => Moments(features[l], null)).Select(m => (m.Mean.MoveToOuterDisposeScope(), m.SecondMoment.MoveToOuterDisposeScope())).ToArray();
        }).ToArray();

        if (styles[0].Mask is null)
        {
            var blended = _layers.Select((_, layer) =>
            {
                var mean = moments.Select((m, i) => m[layer].Item1 * blendWeights[i]).Aggregate((a, b) => a + b);
                var second = moments.Select((m, i) => m[layer].Item2 * blendWeights[i]).Aggregate((a, b) => a + b);
                return (mean, second);
            }).ToArray();
            _targets = [Fit(1.0, blended, null)];
        }
        else
        {
            _targets = styles.Select((s, i) => Fit(
                blendWeights[i],
                moments[i],
                _layers.Select(l => StyleTermParts.LayerMask(s.Mask!, contentFeatures[l])).ToArray())).ToArray();
        }
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
                var loss = LossFunctions.WassersteinStyleLayerLoss(mean, covariance, target.Means[i], target.Covariances[i], target.Roots[i], normalization: _normalization) * (_layerWeights[i] * target.Weight);
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

        var weights = mask.to(ScalarType.Float32).flatten(2); // N × 1 × P
        var total = weights.sum([2]).clamp_min(1e-8); // N × 1
        var weighted = flat * weights;
        return (weighted.sum([2]) / total, weighted.bmm(flat.transpose(1, 2)) / total.unsqueeze(2));
    }

    /// <summary>A target from its moments per layer: means, covariances and their square roots, detached.</summary>
    private static Target Fit(double weight, (Tensor Mean, Tensor Second)[] moments, Tensor[]? masks)
    {
        using var scope = NewDisposeScope();
        var means = moments.Select(m => m.Mean).ToArray();
        var covariances = moments.Select(m => m.Second - m.Mean.unsqueeze(2).bmm(m.Mean.unsqueeze(1))).ToArray();
        var roots = covariances.Select(c => LossFunctions.MatrixSquareRoot(c)).ToArray();
        return new Target(weight, Detach(means), Detach(covariances), Detach(roots), masks is null ? null : Detach(masks));
    }

    private static Tensor[] Detach(IEnumerable<Tensor> tensors) => StyleTermParts.Detach(tensors);

    /// <summary>One target: its weight in the term, and per layer its means, covariances, their roots and (with masks) the region's mask.</summary>
    private sealed record Target(double Weight, Tensor[] Means, Tensor[] Covariances, Tensor[] Roots, Tensor[]? Masks);
}
