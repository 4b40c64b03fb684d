using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>The scaled forms of the losses (<see cref="LossNormalization"/>).</summary>
public static partial class LossFunctions
{
    /// <summary>
    /// The squared error scaled by the residual's L1 norm, Σd² / (Σ|d| + ε) with d = input − target
    /// (crowsonkb/style-transfer-pytorch's <c>ScaledMSELoss</c>). Its gradient with respect to the input,
    /// 2d/(Σ|d| + ε) − Σd²·sign(d)/(Σ|d| + ε)², has an L1 norm of exactly 1 when every residual has
    /// the same magnitude, and about 1 otherwise, however large the residual or how many elements it has:
    /// a layer's pull on the image no longer grows with its mismatch or its size. Computed in float32
    /// whatever the inputs' number format (float64 stays float64).
    /// </summary>
    /// <param name="input">The optimised image's statistic (features, a Gram matrix, sorted projections).</param>
    /// <param name="target">The target statistic, the input's shape or broadcastable to it.</param>
    /// <param name="epsilon">Added to the denominator, so that a perfect match gives 0. Default 1e-8.</param>
    /// <returns>A scalar tensor.</returns>
    /// <exception cref="ArgumentException">The target does not broadcast to the input.</exception>
    public static Tensor ScaledSquaredError(Tensor input, Tensor target, double epsilon = 1e-8)
    {
        Guard.NotNull(input);
        Guard.NotNull(target);
        Guard.MustBeFiniteAndNonNegative(epsilon, nameof(epsilon));
        if (!Broadcasts(target.shape, input.shape))
        {
            Guard.ThrowArgument($"The target's shape [{string.Join(", ", target.shape)}] does not broadcast to the input's [{string.Join(", ", input.shape)}].", nameof(target));
        }

        using var scope = NewDisposeScope();
        var residual = AtLeastFloat32(input) - target.to(AtLeastFloat32(input).dtype);
        return (residual.square().sum() / (residual.abs().sum() + epsilon)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The scaled form of a mean squared distance m (the squared distance per element): √(m + ε²) − ε,
    /// its root mean square. For a residual whose elements all have the same magnitude it equals
    /// <see cref="ScaledSquaredError"/> of that residual; it serves distances whose residual is not at hand.
    /// </summary>
    private static Tensor ScaledMeanSquare(Tensor meanSquare, double epsilon = 1e-8) => (meanSquare + epsilon * epsilon).sqrt() - epsilon;

    private static bool Broadcasts(long[] from, long[] to) =>
        from.Length <= to.Length && from.Reverse().Zip(to.Reverse()).All(p => p.First == p.Second || p.First == 1);
}
