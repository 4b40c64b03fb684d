using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>
/// The style term with Gram matrices: Σₗ wₗ · mean((Gₗ − Aₗ)²), or, with a <see cref="LossNormalization"/>
/// that scales style layers, Σₗ wₗ · <see cref="LossFunctions.ScaledSquaredError"/>(Gₗ, Aₗ). Without masks the styles' Gram
/// matrices are blended into one target per layer (weights summing to 1). With masks each style keeps
/// its own targets and is compared with the Gram matrix of its region
/// (<see cref="LossFunctions.MaskedGramMatrix"/>); its loss is weighted by its blend weight.
/// </summary>
internal sealed class GramStyleTerm : ILossTerm
{
    private readonly string[] _layers;
    private readonly double[] _layerWeights;
    private readonly Target[] _targets;
    private readonly Func<Tensor, Tensor, Tensor> _layerLoss;

    /// <param name="extractor">The network the style images are measured with (not kept).</param>
    /// <param name="styles">The style images at this scale, their blend weights and, for all or none, masks.</param>
    /// <param name="contentFeatures">The content image's features at (at least) the style layers: the sizes masks are pooled to.</param>
    /// <param name="layers">The style layers and their weights.</param>
    /// <param name="weight">The term's weight (β).</param>
    /// <param name="normalization">How each layer's mismatch is measured.</param>
    public GramStyleTerm(IFeatureExtractor extractor, IReadOnlyList<StyleTensor> styles, IReadOnlyDictionary<string, Tensor> contentFeatures, IReadOnlyList<LayerWeight> layers, double weight, LossNormalization normalization)
    {
        _layerLoss = normalization != LossNormalization.None ? (g, a) => LossFunctions.ScaledSquaredError(g, a) : LossFunctions.StyleLayerLoss;
        _layers = layers.Select(l => l.Layer).ToArray();
        _layerWeights = layers.Select(l => l.Weight).ToArray();
        Weight = weight;
        var blendWeights = StyleTermParts.BlendWeights(styles);
        var grams = StyleTermParts.MeasureStyles(extractor, styles, _layers, f => [Gram(f, null)]);
        if (styles[0].Mask is null)
        {
            _targets = [new Target(1.0, Detach(StyleTermParts.Blend(grams, blendWeights).Select(layer => layer[0])), null)];
        }
        else
        {
            _targets = styles.Select((s, i) => new Target(
                blendWeights[i],
                Detach(grams[i].Select(layer => layer[0])),
                Detach(_layers.Select(l => StyleTermParts.LayerMask(s.Mask!, contentFeatures[l]).to(contentFeatures[l].dtype))))).ToArray();
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
            var grams = _layers.Select((l, i) => Gram(features[l], target.Masks?[i])).ToArray();
            var loss = LossFunctions.WeightedSum(grams, target.Grams, _layerWeights, _layerLoss) * target.Weight;
            style = style is null ? loss : style + loss;
        }

        return style!;
    }

    public void Dispose()
    {
        foreach (var tensor in _targets.SelectMany(t => t.Grams.Concat(t.Masks ?? [])))
        {
            tensor.Dispose();
        }
    }

    /// <summary>
    /// A layer's Gram matrix (of a region, with a mask) as float32. The product is computed in the
    /// features' own precision (bfloat16 with <see cref="ComputePrecision.BFloat16"/>: in float32 it
    /// was a fifth of a bfloat16 iteration's time); the losses are then taken in float32.
    /// </summary>
    private static Tensor Gram(Tensor features, Tensor? mask) =>
        (mask is null ? LossFunctions.GramMatrix(features) : LossFunctions.MaskedGramMatrix(features, mask)).to(ScalarType.Float32);

    private static Tensor[] Detach(IEnumerable<Tensor> tensors) => StyleTermParts.Detach(tensors);

    /// <summary>One target: its weight in the term, its Gram matrices per layer, and its masks per layer (null without).</summary>
    private sealed record Target(double Weight, Tensor[] Grams, Tensor[]? Masks);
}
