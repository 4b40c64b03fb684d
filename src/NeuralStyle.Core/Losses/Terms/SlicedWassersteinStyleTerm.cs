using System.Runtime.InteropServices;
using System.Security.Cryptography;
using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>
/// The style term with sliced Wasserstein distances (Heitz et al., CVPR 2021): at each style layer, the
/// image's and the style's features are projected on C random unit directions (C: the layer's
/// channels), sorted, and compared (<see cref="LossFunctions.SlicedWassersteinLayerLoss"/>);
/// Σₗ wₗ · that, each style weighted by its blend weight. Each evaluation draws new directions, seeded
/// by the evaluated image's own bytes: the draws are random from one evaluation to the next, yet the
/// same image always gets the same directions, so a run resumed from a checkpoint repeats its
/// uninterrupted twin exactly. With masks, a style is compared with the positions where its mask,
/// averaged down to the layer, is at least one half.
/// </summary>
internal sealed class SlicedWassersteinStyleTerm : ILossTerm
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
    public SlicedWassersteinStyleTerm(IFeatureExtractor extractor, IReadOnlyList<StyleTensor> styles, IReadOnlyDictionary<string, Tensor> contentFeatures, IReadOnlyList<LayerWeight> layers, double weight, LossNormalization normalization)
    {
        _scaled = normalization != LossNormalization.None;
        _layers = layers.Select(l => l.Layer).ToArray();
        _layerWeights = layers.Select(l => l.Weight).ToArray();
        Weight = weight;
        var blendWeights = StyleTermParts.BlendWeights(styles);
        _targets = styles.Select((s, index) =>
        {
            using var styleScope = NewDisposeScope();
            var features = extractor.Extract(s.Image, _layers);
            var targetFeatures = _layers.Select(l => features[l].to(ScalarType.Float32).detach().DetachFromDisposeScope()).ToArray();
            var masks = s.Mask is null ? null : _layers.Select(l => Region(s.Mask, contentFeatures[l]).DetachFromDisposeScope()).ToArray();
            return new Target(blendWeights[index], targetFeatures, masks);
        }).ToArray();
    }

    public string Name => "style";

    public double Weight { get; }

    public IReadOnlyList<string> Layers => _layers;

    public Tensor Evaluate(IReadOnlyDictionary<string, Tensor> features, Tensor image)
    {
        using var generator = new Generator(Seed(image));
        Tensor? style = null;
        for (var i = 0; i < _layers.Length; i++)
        {
            var layer = features[_layers[i]];
            var directions = LossFunctions.RandomDirections((int)layer.shape[1], (int)layer.shape[1], generator).to(layer.device);
            foreach (var target in _targets)
            {
                var compared = target.Masks is { } masks ? layer.flatten(2).index_select(2, masks[i]).unsqueeze(2) : layer;
                var loss = LossFunctions.SlicedWassersteinLayerLoss(compared, target.Features[i], directions, _scaled) * (_layerWeights[i] * target.Weight);
                style = style is null ? loss : style + loss;
            }
        }

        return style!;
    }

    public void Dispose()
    {
        foreach (var tensor in _targets.SelectMany(t => t.Features.Concat(t.Masks ?? [])))
        {
            tensor.Dispose();
        }
    }

    /// <summary>The seed of an evaluation's directions: the first 8 bytes of the SHA-256 of the image's float32 values.</summary>
    private static ulong Seed(Tensor image)
    {
        using var scope = NewDisposeScope();
        var values = image.detach().to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        return BitConverter.ToUInt64(SHA256.HashData(MemoryMarshal.AsBytes(values.AsSpan())));
    }

    /// <summary>The positions (a flat index list) where the mask, averaged down to the layer, is at least one half.</summary>
    private static Tensor Region(Tensor mask, Tensor features)
    {
        var pooled = StyleTermParts.LayerMask(mask, features).flatten();
        var region = (pooled >= 0.5).nonzero().flatten();
        return region.numel() > 0 ? region : throw new ArgumentException("A style mask covers no position at a style layer; give it a larger region.");
    }

    /// <summary>One style: its blend weight, its features per layer (float32), and (with masks) its region's positions per layer.</summary>
    private sealed record Target(double Weight, Tensor[] Features, Tensor[]? Masks);
}
