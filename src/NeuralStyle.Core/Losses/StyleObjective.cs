using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace NeuralStyle;

/// <summary>
/// The loss being minimised, with its targets: content features and style Gram matrices are
/// computed once, without gradients, when the objective is created.
/// </summary>
/// <remarks>
/// Without masks the styles' Gram matrices are blended into one target per layer (weights summing
/// to 1). With masks each style keeps its own targets and is compared with the Gram matrix of its
/// region (<see cref="LossFunctions.MaskedGramMatrix"/>); its loss is weighted by its blend weight.
/// </remarks>
internal sealed class StyleObjective : IDisposable
{
    private readonly IFeatureExtractor _extractor;
    private readonly StyleOptimizerSettings _options;
    private readonly string[] _layers;
    private readonly Tensor[] _contentTargets;
    private readonly double[] _contentLayerWeights;
    private readonly double[] _styleLayerWeights;
    private readonly StyleTerm[] _styles;

    public StyleObjective(IFeatureExtractor extractor, Tensor content, IReadOnlyList<StyleTensor> styles, StyleOptimizerSettings options)
    {
        _extractor = extractor;
        _options = options;
        _layers = options.AllLayers.ToArray();
        _contentLayerWeights = options.ContentLayers.Select(l => l.Weight).ToArray();
        _styleLayerWeights = options.StyleLayers.Select(l => l.Weight).ToArray();
        var styleLayers = options.StyleLayers.Select(l => l.Layer).ToArray();
        var blendWeights = NormalisedWeights(styles);

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var contentFeatures = extractor.Extract(content, _layers);
        _contentTargets = options.ContentLayers.Select(l => contentFeatures[l.Layer].to(ScalarType.Float32).detach().DetachFromDisposeScope()).ToArray();

        var grams = styles.Select(s =>
        {
            var features = extractor.Extract(s.Image, styleLayers);
            return styleLayers.Select(l => Gram(features[l], null)).ToArray();
        }).ToArray();

        if (styles[0].Mask is null)
        {
            var blended = styleLayers.Select((_, layer) => grams.Select((g, i) => g[layer] * blendWeights[i]).Aggregate((a, b) => a + b)).ToArray();
            _styles = [new StyleTerm(1.0, Detach(blended), null)];
        }
        else
        {
            _styles = styles.Select((s, i) => new StyleTerm(
                blendWeights[i],
                Detach(grams[i]),
                Detach(styleLayers.Select(l => LayerMask(s.Mask!, contentFeatures[l])).ToArray()))).ToArray();
        }
    }

    /// <summary>The losses of <paramref name="image"/>; tensors land in the caller's dispose scope.</summary>
    public (Tensor Total, Tensor Content, Tensor Style, Tensor TotalVariation) Evaluate(Tensor image)
    {
        var features = _extractor.Extract(image, _layers);
        var content = LossFunctions.ContentLoss(
            _options.ContentLayers.Select(l => features[l.Layer].to(ScalarType.Float32)).ToArray(), _contentTargets, _contentLayerWeights);
        Tensor? style = null;
        foreach (var term in _styles)
        {
            var grams = _options.StyleLayers.Select((l, i) => Gram(features[l.Layer], term.Masks?[i])).ToArray();
            var loss = LossFunctions.StyleLoss(grams, term.Targets, _styleLayerWeights) * term.Weight;
            style = style is null ? loss : style + loss;
        }

        var tv = LossFunctions.TotalVariationLoss(image, _options.TotalVariationNorm);
        var total = LossFunctions.TotalLoss(content, style!, tv, _options.ContentWeight, _options.StyleWeight, _options.TotalVariationWeight);
        return (total, content, style!, tv);
    }

    public void Dispose()
    {
        foreach (var t in _contentTargets.Concat(_styles.SelectMany(s => s.Targets.Concat(s.Masks ?? []))))
        {
            t.Dispose();
        }
    }

    /// <summary>
    /// A layer's Gram matrix (of a region, with a mask) as float32. The product is computed in the
    /// features' own precision (bfloat16 with <see cref="ComputePrecision.BFloat16"/>: in float32 it
    /// was a fifth of a bfloat16 iteration's time); the losses are then taken in float32.
    /// </summary>
    private static Tensor Gram(Tensor features, Tensor? mask) =>
        (mask is null ? LossFunctions.GramMatrix(features) : LossFunctions.MaskedGramMatrix(features, mask)).to(ScalarType.Float32);

    private static double[] NormalisedWeights(IReadOnlyList<StyleTensor> styles)
    {
        var sum = styles.Sum(s => s.Weight);
        return styles.Select(s => s.Weight / sum).ToArray();
    }

    /// <summary>The mask averaged down to a layer's feature map size (each cell: the mask's mean over the pixels it covers), in the features' number format.</summary>
    private static Tensor LayerMask(Tensor mask, Tensor features) =>
        adaptive_avg_pool2d(mask.to(float32), [features.shape[2], features.shape[3]]).to(features.dtype);

    private static Tensor[] Detach(Tensor[] tensors) => tensors.Select(t => t.detach().DetachFromDisposeScope()).ToArray();

    private sealed record StyleTerm(double Weight, Tensor[] Targets, Tensor[]? Masks);
}
