using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>
/// The losses of neural style transfer as pure functions of tensors: no hidden state, nothing
/// beyond TorchSharp needed to call them, differentiable with autograd. Every returned tensor is
/// new and owned by the caller (dispose it, or create it inside a dispose scope).
/// </summary>
/// <remarks>
/// Feature maps are NCHW tensors (batch, channels, height, width), as <see cref="IFeatureExtractor"/>
/// returns them. Images are NCHW with 3 channels.
/// </remarks>
public static partial class LossFunctions
{
    /// <summary>
    /// Content loss: the mean squared error of two feature maps, mean((F − P)²) over every element.
    /// </summary>
    /// <param name="features">The optimised image's features at one layer.</param>
    /// <param name="target">The content image's features at the same layer (same shape).</param>
    /// <returns>A scalar tensor.</returns>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public static Tensor ContentLoss(Tensor features, Tensor target)
    {
        RequireSameShape(features, target, nameof(target));
        return (features - target).square().mean();
    }

    /// <summary>
    /// The Gram matrix of each feature map in a batch: G = F·Fᵀ / d with F the C × (H·W) matrix of
    /// one map and d chosen by <paramref name="normalization"/> (H·W by default).
    /// </summary>
    /// <param name="features">An NCHW tensor.</param>
    /// <param name="normalization">What to divide by.</param>
    /// <returns>An N × C × C tensor in the features' number format.</returns>
    /// <exception cref="ArgumentException">The tensor is not 4-dimensional.</exception>
    public static Tensor GramMatrix(Tensor features, GramNormalization normalization = GramNormalization.Positions)
    {
        Guard.NotNull(features);
        if (features.dim() != 4)
        {
            Guard.ThrowArgument($"Expected an NCHW feature tensor (4 dimensions) but got shape [{string.Join(", ", features.shape)}].", nameof(features));
        }

        var (c, h, w) = (features.shape[1], features.shape[2], features.shape[3]);
        double divisor = normalization switch
        {
            GramNormalization.Positions => h * w,
            GramNormalization.ChannelsAndPositions => c * h * w,
            _ => 1,
        };
        return GramMatrixFunction.Compute(features, divisor);
    }

    /// <summary>
    /// The Gram matrix of a region: G = (F·m)(F·m)ᵀ / Σm², with m the mask (one weight per position).
    /// For a 0/1 mask it is the Gram matrix of the masked positions alone, divided by their count, so
    /// it has the scale of <see cref="GramMatrix"/> of an image that is all region.
    /// </summary>
    /// <param name="features">An NCHW tensor.</param>
    /// <param name="mask">An N×1×H×W tensor of weights in [0, 1], the features' height and width.</param>
    /// <returns>An N × C × C tensor (zeros where a mask is empty).</returns>
    /// <exception cref="ArgumentException">The shapes do not fit.</exception>
    public static Tensor MaskedGramMatrix(Tensor features, Tensor mask)
    {
        Guard.NotNull(features);
        Guard.NotNull(mask);
        if (features.dim() != 4 || mask.dim() != 4 || mask.shape[0] != features.shape[0] || mask.shape[1] != 1
            || mask.shape[2] != features.shape[2] || mask.shape[3] != features.shape[3])
        {
            Guard.ThrowArgument(
                $"Expected NCHW features and an N×1×H×W mask of the same N, H and W but got [{string.Join(", ", features.shape)}] and [{string.Join(", ", mask.shape)}].",
                nameof(mask));
        }

        using var scope = NewDisposeScope();
        var squared = mask.square();
        var gram = GramMatrixFunction.Compute(features, squared, 1);
        var area = squared.sum([1, 2, 3]).clamp_min(1e-8).view(features.shape[0], 1, 1);
        return (gram / area).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Style loss at one layer: mean((G − A)²), the mean squared difference of two Gram matrices.
    /// </summary>
    /// <param name="gram">The optimised image's Gram matrix (see <see cref="GramMatrix"/>).</param>
    /// <param name="targetGram">The style image's Gram matrix at the same layer.</param>
    /// <returns>A scalar tensor.</returns>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public static Tensor StyleLayerLoss(Tensor gram, Tensor targetGram)
    {
        RequireSameShape(gram, targetGram, nameof(targetGram));
        return (gram - targetGram).square().mean();
    }

    /// <summary>
    /// Style loss over several layers: Σₗ wₗ · mean((Gₗ − Aₗ)²). With every wₗ = 1/L this is the mean
    /// over layers (the TensorFlow tutorial's and the golden reference's definition).
    /// </summary>
    /// <param name="grams">The optimised image's Gram matrices, one per layer.</param>
    /// <param name="targetGrams">The style Gram matrices, in the same order.</param>
    /// <param name="layerWeights">One weight per layer; null means 1/L each.</param>
    /// <returns>A scalar tensor.</returns>
    /// <exception cref="ArgumentException">The lists are empty or their lengths differ.</exception>
    public static Tensor StyleLoss(IReadOnlyList<Tensor> grams, IReadOnlyList<Tensor> targetGrams, IReadOnlyList<double>? layerWeights = null) =>
        WeightedSum(grams, targetGrams, layerWeights, StyleLayerLoss);

    /// <summary>
    /// Content loss over several layers: Σₗ wₗ · mean((Fₗ − Pₗ)²); null weights mean 1/L each.
    /// </summary>
    /// <exception cref="ArgumentException">The lists are empty or their lengths differ.</exception>
    public static Tensor ContentLoss(IReadOnlyList<Tensor> features, IReadOnlyList<Tensor> targets, IReadOnlyList<double>? layerWeights = null) =>
        WeightedSum(features, targets, layerWeights, ContentLoss);

    /// <summary>
    /// Total variation of an NCHW image: the differences between vertically and horizontally
    /// neighbouring pixels, combined as <paramref name="norm"/> says. There is no default: a run
    /// uses <see cref="TotalVariationNorm.AbsoluteMean"/> and the TensorFlow tutorial the absolute sum.
    /// </summary>
    /// <param name="image">An NCHW tensor of at least 2 × 2 pixels.</param>
    /// <param name="norm">How the differences are combined.</param>
    /// <returns>A scalar tensor.</returns>
    public static Tensor TotalVariationLoss(Tensor image, TotalVariationNorm norm)
    {
        Guard.NotNull(image);
        if (image.dim() != 4 || image.shape[2] < 2 || image.shape[3] < 2)
        {
            Guard.ThrowArgument($"Expected an NCHW image of at least 2 × 2 pixels but got shape [{string.Join(", ", image.shape)}].", nameof(image));
        }

        using var scope = NewDisposeScope();
        var vertical = image[.., .., 1.., ..] - image[.., .., ..^1, ..];
        var horizontal = image[.., .., .., 1..] - image[.., .., .., ..^1];
        var loss = norm switch
        {
            TotalVariationNorm.SquaredSum => vertical.square().sum() + horizontal.square().sum(),
            TotalVariationNorm.SquaredMean => vertical.square().mean() + horizontal.square().mean(),
            TotalVariationNorm.AbsoluteMean => vertical.abs().mean() + horizontal.abs().mean(),
            _ => vertical.abs().sum() + horizontal.abs().sum(),
        };
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>The weighted total: α·content + β·style + γ·tv.</summary>
    /// <returns>A scalar tensor.</returns>
    public static Tensor TotalLoss(Tensor contentLoss, Tensor styleLoss, Tensor totalVariationLoss, double contentWeight, double styleWeight, double totalVariationWeight)
    {
        Guard.NotNull(contentLoss);
        Guard.NotNull(styleLoss);
        Guard.NotNull(totalVariationLoss);
        using var scope = NewDisposeScope();
        var total = (contentLoss * contentWeight) + (styleLoss * styleWeight) + (totalVariationLoss * totalVariationWeight);
        return total.MoveToOuterDisposeScope();
    }

    /// <summary>Σₗ wₗ · layerLoss(valuesₗ, targetsₗ), null weights meaning 1/L each: the sum behind every multi-layer loss.</summary>
    internal static Tensor WeightedSum(IReadOnlyList<Tensor> values, IReadOnlyList<Tensor> targets, IReadOnlyList<double>? weights, Func<Tensor, Tensor, Tensor> layerLoss)
    {
        Guard.NotNull(values);
        Guard.NotNull(targets);
        if (values.Count == 0 || values.Count != targets.Count || (weights is not null && weights.Count != values.Count))
        {
            Guard.ThrowArgument(
                $"Expected one target{(weights is null ? string.Empty : " and one weight")} per layer and at least one layer; got {values.Count} layers, {targets.Count} targets{(weights is null ? string.Empty : $", {weights.Count} weights")}.",
                nameof(targets));
        }

        using var scope = NewDisposeScope();
        Tensor? total = null;
        for (var i = 0; i < values.Count; i++)
        {
            var weighted = layerLoss(values[i], targets[i]) * (weights?[i] ?? 1.0 / values.Count);
            total = total is null ? weighted : total + weighted;
        }

        return total!.MoveToOuterDisposeScope();
    }

    private static void RequireSameShape(Tensor value, Tensor target, string name)
    {
        Guard.NotNull(value);
        Guard.NotNull(target, name);
        if (!value.shape.SequenceEqual(target.shape))
        {
            Guard.ThrowArgument($"Shapes differ: [{string.Join(", ", value.shape)}] and [{string.Join(", ", target.shape)}].", name);
        }
    }
}
