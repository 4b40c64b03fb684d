using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>
/// The loss of a whole image, composed of its terms (<see cref="ILossTerm"/>: content, style (by the
/// chosen statistic), total variation), each with its targets computed once, without gradients, when the objective is made.
/// An evaluation extracts every layer the terms read once and adds the terms up, each times its weight.
/// </summary>
internal sealed class StyleObjective : IDisposable
{
    private readonly IFeatureExtractor _extractor;
    private readonly string[] _layers;
    private readonly ILossTerm[] _terms;

    /// <param name="extractor">The feature network (not owned).</param>
    /// <param name="content">The content image, NCHW 1×3×H×W in [0, 1].</param>
    /// <param name="styles">The style images, with blend weights and, for all or none, masks.</param>
    /// <param name="options">The layers and weights of the content, style and total variation terms.</param>
    /// <param name="moreTerms">Terms beyond those three, added to the total after them (owned).</param>
    public StyleObjective(IFeatureExtractor extractor, Tensor content, IReadOnlyList<StyleTensor> styles, StyleOptimizerSettings options, IEnumerable<ILossTerm>? moreTerms = null)
    {
        _extractor = extractor;
        var extra = moreTerms?.ToArray() ?? [];
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var contentFeatures = extractor.Extract(content, options.AllLayers.ToArray());
        var terms = new List<ILossTerm>(3);
        try
        {
            // The first three are the terms LossTerms reports, in its order.
            terms.Add(new ContentTerm(contentFeatures, options.ContentLayers, options.ContentWeight, options.LossNormalization));
            terms.Add(options.StyleStatistic switch
            {
                StyleStatistic.Wasserstein => new WassersteinStyleTerm(extractor, styles, contentFeatures, options.StyleLayers, options.StyleWeight, options.LossNormalization),
                StyleStatistic.SlicedWasserstein => new SlicedWassersteinStyleTerm(extractor, styles, contentFeatures, options.StyleLayers, options.StyleWeight, options.LossNormalization),
                _ => new GramStyleTerm(extractor, styles, contentFeatures, options.StyleLayers, options.StyleWeight, options.LossNormalization),
            });
            terms.Add(new TotalVariationTerm(options.TotalVariationNorm, options.TotalVariationWeight));
            terms.AddRange(extra);
        }
        catch
        {
            foreach (var term in terms.Union(extra))
            {
                term.Dispose();
            }

            throw;
        }

        _terms = [.. terms];
        _layers = _terms.SelectMany(t => t.Layers).Distinct().ToArray();
    }

    /// <summary>The weighted total at <paramref name="image"/> and each term's unweighted value, in the order the terms were given; tensors land in the caller's dispose scope.</summary>
    public (Tensor Total, Tensor[] Values) Evaluate(Tensor image)
    {
        var features = _extractor.Extract(image, _layers);
        var values = _terms.Select(t => t.Evaluate(features, image)).ToArray();
        var total = values.Select((value, i) => value * _terms[i].Weight).Aggregate((a, b) => a + b);
        return (total, values);
    }

    public void Dispose()
    {
        foreach (var term in _terms)
        {
            term.Dispose();
        }
    }
}
