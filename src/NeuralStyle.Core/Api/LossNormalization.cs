namespace NeuralStyle;

/// <summary>Which layers' losses are scaled by their own gradient's magnitude.</summary>
/// <remarks>
/// A scaled layer loss is Σd² / Σ|d| of its residual d (crowsonkb/style-transfer-pytorch's
/// <c>ScaledMSELoss</c>, <see cref="LossFunctions.ScaledSquaredError"/>), whose gradient with respect to
/// d has an L1 norm of about 1 however large the mismatch, the layer or the picture; for Wasserstein it
/// is the root of the squared distance per channel, the same value when the residuals are alike. The
/// objective stays a plain function of the image (nothing is measured and frozen along the way), so
/// L-BFGS and resumed runs work as without it. Total variation is never scaled: its default, a mean of
/// absolute differences, is already of this kind.
/// </remarks>
public enum LossNormalization
{
    /// <summary>
    /// No layer is scaled: each layer's loss is its mean squared error (for Wasserstein,
    /// its squared distance per channel), as <see cref="LossFunctions"/> defines it. Its gradient grows
    /// with the mismatch, and its scale differs between layers and statistics. The classic tools'
    /// objective, and the one training a fast style uses.
    /// </summary>
    None,

    /// <summary>
    /// The style layers are scaled; the content term stays a mean squared error (the default). Each
    /// style layer then pulls about as hard as any other, whatever its statistic, and the same weights
    /// give about the same strength at other sizes and on other pictures (docs/defaults.md). Tiles
    /// like <see cref="None"/>: the scaled losses are taken on the whole picture's statistics, summed
    /// over its tiles.
    /// </summary>
    Style,

    /// <summary>
    /// The style and the content layers are scaled, as crowsonkb/style-transfer-pytorch does. A scaled
    /// content term is a norm, not a square: it pulls back towards the photo as hard when the picture is
    /// near it as when it is far, so from the content image a style weight below some threshold leaves the
    /// photo untouched and one above it moves far (docs/options.md). Not with tiling: the content residual
    /// of the whole picture does not add up over tiles.
    /// </summary>
    All,
}
