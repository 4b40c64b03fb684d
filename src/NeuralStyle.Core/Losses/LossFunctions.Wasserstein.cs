using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace NeuralStyle;

/// <summary>
/// The Wasserstein style statistics: the 2-Wasserstein distance between Gaussian fits of two layers'
/// features (means and covariances; Risser et al. 2017, crowsonkb/style-transfer-pytorch), and the
/// sliced Wasserstein distance between the features' distributions along random directions (Heitz et
/// al., CVPR 2021). Both are computed in float32 whatever the features' number format (float64 stays
/// float64).
/// </summary>
public static partial class LossFunctions
{
    /// <summary>
    /// The Gaussian fit of each feature map in a batch: the mean μ of the C-vectors at the H·W
    /// positions, and their covariance Σ = F·Fᵀ/(H·W) − μ·μᵀ (the population covariance).
    /// </summary>
    /// <param name="features">An NCHW tensor.</param>
    /// <returns>The means (N × C) and the covariances (N × C × C), in float32 (float64 for float64 features).</returns>
    /// <exception cref="ArgumentException">The tensor is not 4-dimensional.</exception>
    public static (Tensor Mean, Tensor Covariance) GaussianFit(Tensor features)
    {
        RequireFeatures(features, nameof(features));
        using var scope = NewDisposeScope();
        var flat = AtLeastFloat32(features).flatten(2); // N × C × P
        var mean = flat.mean([2]);
        var covariance = flat.bmm(flat.transpose(1, 2)) / flat.shape[2] - mean.unsqueeze(2).bmm(mean.unsqueeze(1));
        return (mean.MoveToOuterDisposeScope(), covariance.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The square root of each symmetric positive semi-definite matrix in a batch, by Newton–Schulz
    /// iteration (coupled, on the matrix scaled by its Frobenius norm), which uses matrix products only
    /// and so differentiates with autograd at the cost of a few products per iteration.
    /// </summary>
    /// <param name="matrices">An N × C × C tensor of symmetric positive semi-definite matrices.</param>
    /// <param name="iterations">Newton–Schulz iterations, 1–100. Default 20. An eigenvalue λ of the
    /// scaled matrix converges once its root has grown from λ to √λ (about 1.5× per iteration), so the
    /// smallest eigenvalues converge last; their share of a trace is small.</param>
    /// <returns>An N × C × C tensor in the matrices' number format (at least float32).</returns>
    /// <exception cref="ArgumentException">The tensor is not a batch of square matrices, or the iteration count is out of range.</exception>
    public static Tensor MatrixSquareRoot(Tensor matrices, int iterations = 20)
    {
        Guard.NotNull(matrices);
        Guard.MustBeBetween(iterations, 1, 100, nameof(iterations));
        if (matrices.dim() != 3 || matrices.shape[1] != matrices.shape[2])
        {
            Guard.ThrowArgument($"Expected N × C × C matrices but got shape [{string.Join(", ", matrices.shape)}].", nameof(matrices));
        }

        using var scope = NewDisposeScope();
        var a = AtLeastFloat32(matrices);
        var identity = eye(a.shape[1], dtype: a.dtype, device: a.device).expand_as(a);
        var norm = a.square().sum([1, 2], keepdim: true).sqrt().clamp_min(1e-12);
        var y = a / norm;
        var z = identity;
        for (var i = 0; i < iterations; i++)
        {
            var t = (identity * 3 - z.bmm(y)) * 0.5;
            y = y.bmm(t);
            z = t.bmm(z);
        }

        return (y * norm.sqrt()).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The 2-Wasserstein distance between the Gaussian fits of two layers' features, squared and per
    /// channel: (‖μ − μₜ‖² + tr Σ + tr Σₜ − 2·tr((Σₜ^½ Σ Σₜ^½)^½)) / C, the mean over a batch.
    /// </summary>
    /// <param name="mean">The optimised image's means (N × C; see <see cref="GaussianFit"/>).</param>
    /// <param name="covariance">Its covariances (N × C × C).</param>
    /// <param name="targetMean">The style's means (N × C, or 1 × C for all).</param>
    /// <param name="targetCovariance">The style's covariances.</param>
    /// <param name="targetCovarianceRoot">Σₜ^½ (<see cref="MatrixSquareRoot"/> of <paramref name="targetCovariance"/>), computed once per style; null computes it.</param>
    /// <param name="iterations">Newton–Schulz iterations for the square roots.</param>
    /// <param name="scaled">Whether to return the scaled form (<see cref="LossNormalization"/>): the root
    /// of that squared distance per channel, √(m + ε²) − ε with ε = 1e-8 (the mean over a batch).</param>
    /// <returns>A scalar tensor.</returns>
    /// <exception cref="ArgumentException">The shapes do not fit.</exception>
    public static Tensor WassersteinStyleLayerLoss(Tensor mean, Tensor covariance, Tensor targetMean, Tensor targetCovariance, Tensor? targetCovarianceRoot = null, int iterations = 20, bool scaled = false)
    {
        Guard.NotNull(mean);
        Guard.NotNull(covariance);
        Guard.NotNull(targetMean);
        Guard.NotNull(targetCovariance);
        var channels = mean.shape[^1];
        if (mean.dim() != 2 || covariance.dim() != 3 || covariance.shape[1] != channels || covariance.shape[2] != channels
            || targetMean.shape[^1] != channels || targetCovariance.shape[^1] != channels || targetCovariance.shape[^2] != channels)
        {
            Guard.ThrowArgument(
                $"Expected N × C means and N × C × C covariances of the same C but got [{string.Join(", ", mean.shape)}], [{string.Join(", ", covariance.shape)}], [{string.Join(", ", targetMean.shape)}] and [{string.Join(", ", targetCovariance.shape)}].",
                nameof(targetCovariance));
        }

        using var scope = NewDisposeScope();
        var (mu, sigma) = (AtLeastFloat32(mean), AtLeastFloat32(covariance));
        var (muT, sigmaT) = (targetMean.to(mu.dtype), targetCovariance.to(mu.dtype).expand_as(sigma));
        var rootT = (targetCovarianceRoot?.to(mu.dtype) ?? MatrixSquareRoot(sigmaT, iterations)).expand_as(sigma);
        var meanTerm = (mu - muT).square().sum([1]);
        var cross = MatrixSquareRoot(rootT.bmm(sigma).bmm(rootT), iterations);
        var covarianceTerm = Trace(sigma) + Trace(sigmaT) - Trace(cross) * 2;
        var perChannel = (meanTerm + covarianceTerm) / channels;

        // The square roots are approximate, so a near-perfect match can come out a hair below 0.
        var loss = scaled ? ScaledMeanSquare(perChannel.clamp_min(0)) : perChannel;
        return loss.mean().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The sliced Wasserstein distance between two layers' feature distributions, squared: each
    /// position's C-vector is projected on each of the K directions, each projection's values are
    /// sorted, and the sorted values are compared by their mean squared difference. When the position
    /// counts differ, the target's sorted values are resampled to the image's count (linearly, first
    /// and last kept).
    /// </summary>
    /// <param name="features">The optimised image's features at one layer (NCHW).</param>
    /// <param name="targetFeatures">The style's features at the same layer (N or 1, same C, any H × W).</param>
    /// <param name="directions">The K directions, a C × K tensor of unit columns (see <see cref="RandomDirections"/>).</param>
    /// <param name="scaled">Whether to compare the sorted values by <see cref="ScaledSquaredError"/>
    /// (<see cref="LossNormalization"/>) instead of their mean squared difference.</param>
    /// <returns>A scalar tensor.</returns>
    /// <exception cref="ArgumentException">The shapes do not fit.</exception>
    public static Tensor SlicedWassersteinLayerLoss(Tensor features, Tensor targetFeatures, Tensor directions, bool scaled = false)
    {
        RequireFeatures(features, nameof(features));
        RequireFeatures(targetFeatures, nameof(targetFeatures));
        Guard.NotNull(directions);
        if (targetFeatures.shape[1] != features.shape[1] || directions.dim() != 2 || directions.shape[0] != features.shape[1])
        {
            Guard.ThrowArgument(
                $"Expected features and target features of the same C and C × K directions but got [{string.Join(", ", features.shape)}], [{string.Join(", ", targetFeatures.shape)}] and [{string.Join(", ", directions.shape)}].",
                nameof(directions));
        }

        using var scope = NewDisposeScope();
        var projected = SortedProjections(features, directions);
        var target = SortedProjections(targetFeatures.to(projected.dtype), directions.to(projected.dtype));
        if (target.shape[2] != projected.shape[2])
        {
            target = interpolate(target, [projected.shape[2]], mode: InterpolationMode.Linear, align_corners: true);
        }

        var loss = scaled
            ? ScaledSquaredError(projected, target.expand_as(projected))
            : (projected - target.expand_as(projected)).square().mean();
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>K random unit directions in C dimensions (a C × K tensor), from <paramref name="generator"/>: the same seed, the same directions.</summary>
    /// <param name="channels">C, at least 1.</param>
    /// <param name="count">K, at least 1.</param>
    /// <param name="generator">The random source.</param>
    /// <returns>A float32 tensor on the CPU.</returns>
    public static Tensor RandomDirections(int channels, int count, Generator generator)
    {
        Guard.MustBeBetween(channels, 1, int.MaxValue, nameof(channels));
        Guard.MustBeBetween(count, 1, int.MaxValue, nameof(count));
        Guard.NotNull(generator);
        using var scope = NewDisposeScope();
        var directions = randn([channels, count], generator: generator);
        return (directions / directions.norm(0, keepdim: true).clamp_min(1e-12)).MoveToOuterDisposeScope();
    }

    /// <summary>The projections of each position's C-vector on each direction, sorted along the positions: N × K × P.</summary>
    private static Tensor SortedProjections(Tensor features, Tensor directions)
    {
        var flat = AtLeastFloat32(features).flatten(2); // N × C × P
        var projected = directions.to(flat.dtype).t().matmul(flat); // N × K × P
        return projected.sort(2).Values;
    }

    /// <summary>The trace of each matrix in a batch (N).</summary>
    private static Tensor Trace(Tensor matrices) => matrices.diagonal(0, 1, 2).sum([1]);

    /// <summary>The tensor in float32, unless it is already float32 or float64.</summary>
    private static Tensor AtLeastFloat32(Tensor tensor) =>
        tensor.dtype is ScalarType.Float32 or ScalarType.Float64 ? tensor : tensor.to(ScalarType.Float32);

    private static void RequireFeatures(Tensor features, string name)
    {
        Guard.NotNull(features, name);
        if (features.dim() != 4)
        {
            Guard.ThrowArgument($"Expected an NCHW feature tensor (4 dimensions) but got shape [{string.Join(", ", features.shape)}].", name);
        }
    }
}
