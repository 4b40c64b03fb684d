using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>
/// The loss being minimised, with its targets: content features and style Gram matrices are
/// computed once, without gradients, when the objective is created.
/// </summary>
internal sealed class StyleObjective : IDisposable
{
    private readonly IFeatureExtractor _extractor;
    private readonly StyleTransferOptions _options;
    private readonly string[] _layers;
    private readonly Tensor[] _contentTargets;
    private readonly Tensor[] _styleTargets;
    private readonly double[] _contentLayerWeights;
    private readonly double[] _styleLayerWeights;

    public StyleObjective(IFeatureExtractor extractor, Tensor content, Tensor style, StyleTransferOptions options)
    {
        _extractor = extractor;
        _options = options;
        _layers = options.AllLayers.ToArray();
        _contentLayerWeights = options.ContentLayers.Select(l => l.Weight).ToArray();
        _styleLayerWeights = options.StyleLayers.Select(l => l.Weight).ToArray();

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var contentFeatures = extractor.Extract(content, options.ContentLayers.Select(l => l.Layer).ToArray());
        _contentTargets = options.ContentLayers.Select(l => contentFeatures[l.Layer].detach().DetachFromDisposeScope()).ToArray();
        var styleFeatures = extractor.Extract(style, options.StyleLayers.Select(l => l.Layer).ToArray());
        _styleTargets = options.StyleLayers.Select(l => LossFunctions.GramMatrix(styleFeatures[l.Layer]).DetachFromDisposeScope()).ToArray();
    }

    /// <summary>The losses of <paramref name="image"/>; tensors land in the caller's dispose scope.</summary>
    public (Tensor Total, Tensor Content, Tensor Style, Tensor TotalVariation) Evaluate(Tensor image)
    {
        var features = _extractor.Extract(image, _layers);
        var content = LossFunctions.ContentLoss(
            _options.ContentLayers.Select(l => features[l.Layer]).ToArray(), _contentTargets, _contentLayerWeights);
        var grams = _options.StyleLayers.Select(l => LossFunctions.GramMatrix(features[l.Layer])).ToArray();
        var style = LossFunctions.StyleLoss(grams, _styleTargets, _styleLayerWeights);
        var tv = LossFunctions.TotalVariationLoss(image);
        var total = LossFunctions.TotalLoss(content, style, tv, _options.ContentWeight, _options.StyleWeight, _options.TotalVariationWeight);
        return (total, content, style, tv);
    }

    public void Dispose()
    {
        foreach (var t in _contentTargets.Concat(_styleTargets))
        {
            t.Dispose();
        }
    }
}
