namespace NeuralStyle;

/// <summary>How the content and style terms measure a layer's mismatch.</summary>
public enum LossNormalization
{
    /// <summary>
    /// Each layer's loss is its mean squared error (for Wasserstein, its squared distance per channel),
    /// as <see cref="LossFunctions"/> defines it (the default). Its gradient grows with the mismatch,
    /// and its scale differs between layers, sizes and statistics, so weights are tuned for each.
    /// </summary>
    None,

    /// <summary>
    /// Each layer's loss is scaled by its own gradient's magnitude, as crowsonkb/style-transfer-pytorch's
    /// <c>ScaledMSELoss</c> does: Σd² / Σ|d| of the residual d (<see cref="LossFunctions.ScaledSquaredError"/>),
    /// whose gradient with respect to d has an L1 norm of about 1 however large the mismatch, the layer or
    /// the picture; for Wasserstein the root of the squared distance per channel, which is the same value
    /// when the residuals are alike. The objective stays a plain function of the image (nothing is
    /// measured and frozen along the way), so L-BFGS and resumed runs work as without it. Total variation
    /// is not changed: its default, a mean of absolute differences, is already of this kind. Not with tiling.
    /// </summary>
    Gradient,
}
