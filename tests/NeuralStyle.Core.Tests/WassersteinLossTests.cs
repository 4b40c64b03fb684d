using static TorchSharp.torch;

namespace NeuralStyle.Core.Tests;

/// <summary>
/// The Wasserstein style statistics against values worked out by hand, against the closed form of a
/// 2 × 2 matrix's square root (an independent route to the same number), and their gradients against
/// finite differences (in float64).
/// </summary>
public class WassersteinLossTests
{
    [Fact]
    public void The_gaussian_fit_is_the_mean_and_the_population_covariance()
    {
        // Channel 0 = [1, 2, 3], channel 1 = [2, 4, 6]: means 2 and 4; variances (1 + 0 + 1)/3 = 2/3 and
        // (4 + 0 + 4)/3 = 8/3; covariance (−1·−2 + 0 + 1·2)/3 = 4/3.
        using var scope = NewDisposeScope();
        var features = tensor(new float[] { 1, 2, 3, 2, 4, 6 }, [1, 2, 1, 3]);

        var (mean, covariance) = LossFunctions.GaussianFit(features);

        Assert.Equal([2f, 4f], mean.data<float>().ToArray());
        TensorAssert.Close([2.0 / 3, 4.0 / 3, 4.0 / 3, 8.0 / 3], covariance, 1e-6);
    }

    [Fact]
    public void The_square_root_of_a_diagonal_matrix_is_the_roots_of_its_diagonal()
    {
        using var scope = NewDisposeScope();
        var matrix = diag(tensor(new double[] { 4, 9, 16, 1e-4 })).unsqueeze(0);

        TensorAssert.Close([2, 0, 0, 0, 0, 3, 0, 0, 0, 0, 4, 0, 0, 0, 0, 1e-2], LossFunctions.MatrixSquareRoot(matrix, 30), 1e-3);
    }

    [Theory]
    [InlineData(5.0, 1.0, 2.0)]
    [InlineData(0.3, 0.2, 0.05)]
    [InlineData(100.0, 40.0, -30.0)]
    public void The_square_root_of_a_2x2_matrix_matches_its_closed_form(double a, double d, double b)
    {
        // For a symmetric positive definite 2 × 2 matrix M, √M = (M + s·I)/t with s = √det M and t = √(tr M + 2s).
        using var scope = NewDisposeScope();
        var expected = Sqrt2x2(a, b, d);

        var root = LossFunctions.MatrixSquareRoot(tensor(new[] { a, b, b, d }, [1, 2, 2]));

        TensorAssert.Close(expected, root, 1e-9 * Math.Max(1, a + d));
    }

    [Fact]
    public void The_wasserstein_distance_of_diagonal_gaussians_is_the_mean_and_root_differences()
    {
        // μ = (0, 0), Σ = diag(1, 4) against μₜ = (1, 2), Σₜ = diag(9, 16):
        // ‖μ − μₜ‖² = 1 + 4 = 5; Σ (√σ − √σₜ)² = (1 − 3)² + (2 − 4)² = 8; per channel (5 + 8)/2 = 6.5.
        using var scope = NewDisposeScope();
        var loss = LossFunctions.WassersteinStyleLayerLoss(
            zeros(1, 2, dtype: float64),
            diag(tensor(new double[] { 1, 4 })).unsqueeze(0),
            tensor(new double[] { 1, 2 }, [1, 2]),
            diag(tensor(new double[] { 9, 16 })).unsqueeze(0));

        Assert.Equal(6.5, loss.item<double>(), 6);
    }

    [Theory]
    [InlineData(2.0, 0.5, 1.0, 3.0, -0.7, 0.5)]
    [InlineData(0.2, 0.1, 0.3, 5.0, 2.0, 1.5)]
    public void The_wasserstein_distance_of_two_2x2_gaussians_matches_the_closed_form(double a1, double b1, double d1, double a2, double b2, double d2)
    {
        // W₂² = tr Σ + tr Σₜ − 2·tr √(√Σₜ Σ √Σₜ), every root by the closed form, in plain arithmetic; equal means.
        var rootT = Sqrt2x2(a2, b2, d2);
        var product = Multiply(Multiply(rootT, [a1, b1, b1, d1]), rootT);
        var cross = Sqrt2x2(product[0], product[1], product[3]);
        var expected = (a1 + d1 + a2 + d2 - 2 * (cross[0] + cross[3])) / 2;
        using var scope = NewDisposeScope();

        var loss = LossFunctions.WassersteinStyleLayerLoss(
            zeros(1, 2, dtype: float64), tensor(new[] { a1, b1, b1, d1 }, [1, 2, 2]), zeros(1, 2, dtype: float64), tensor(new[] { a2, b2, b2, d2 }, [1, 2, 2]));

        Assert.Equal(expected, loss.item<double>(), 8);
    }

    [Fact]
    public void The_wasserstein_loss_of_features_against_their_own_fit_is_zero_and_its_gradient_matches_finite_differences()
    {
        using var scope = NewDisposeScope();
        var generator = new TorchSharp.torch.Generator(7);
        var target = randn([1, 3, 4, 5], dtype: float64, generator: generator);
        var (targetMean, targetCovariance) = LossFunctions.GaussianFit(target);
        Assert.Equal(0, LossFunctions.WassersteinStyleLayerLoss(targetMean, targetCovariance, targetMean, targetCovariance).item<double>(), 6);

        var features = randn([1, 3, 4, 5], dtype: float64, generator: generator);
        Tensor Loss(Tensor f)
        {
            var (mean, covariance) = LossFunctions.GaussianFit(f);
            return LossFunctions.WassersteinStyleLayerLoss(mean, covariance, targetMean, targetCovariance, iterations: 40);
        }

        TensorAssert.GradientMatchesFiniteDifferences(Loss, features, 1e-4);
    }

    [Fact]
    public void The_sliced_wasserstein_loss_compares_sorted_projections()
    {
        // One channel, the direction (1): [3, 1, 2] sorted is [1, 2, 3]; [10, 30, 20] sorted is [10, 20, 30];
        // mean((1 − 10)², (2 − 20)², (3 − 30)²) = (81 + 324 + 729)/3 = 378.
        using var scope = NewDisposeScope();
        var loss = LossFunctions.SlicedWassersteinLayerLoss(
            tensor(new float[] { 3, 1, 2 }, [1, 1, 1, 3]), tensor(new float[] { 10, 30, 20 }, [1, 1, 1, 3]), ones(1, 1));

        Assert.Equal(378f, loss.item<float>());
    }

    [Fact]
    public void The_sliced_wasserstein_loss_resamples_a_target_of_another_size()
    {
        // The target's sorted [0, 10, 20, 30, 40] resampled to 3 values keeps first, middle and last: [0, 20, 40];
        // against [1, 2, 3]: ((1 − 0)² + (2 − 20)² + (3 − 40)²)/3 = (1 + 324 + 1369)/3 = 564.67.
        // Two channels and the direction (0, 1): only the second channel counts.
        using var scope = NewDisposeScope();
        var features = tensor(new float[] { 9, 9, 9, 2, 3, 1 }, [1, 2, 1, 3]);
        var target = tensor(new float[] { 5, 5, 5, 5, 5, 40, 0, 30, 10, 20 }, [1, 2, 1, 5]);

        var loss = LossFunctions.SlicedWassersteinLayerLoss(features, target, tensor(new float[] { 0, 1 }, [2, 1]));

        Assert.Equal(1694f / 3, loss.item<float>(), 3);
    }

    [Fact]
    public void The_sliced_wasserstein_gradient_matches_finite_differences()
    {
        using var scope = NewDisposeScope();
        var generator = new TorchSharp.torch.Generator(11);
        var target = randn([1, 4, 3, 3], dtype: float64, generator: generator);
        var directions = LossFunctions.RandomDirections(4, 6, new TorchSharp.torch.Generator(3)).to(float64);
        var features = randn([1, 4, 2, 3], dtype: float64, generator: generator);

        TensorAssert.GradientMatchesFiniteDifferences(f => LossFunctions.SlicedWassersteinLayerLoss(f, target, directions), features, 1e-5);
    }

    [Fact]
    public void Random_directions_are_unit_columns_and_the_same_for_the_same_seed()
    {
        using var scope = NewDisposeScope();
        var first = LossFunctions.RandomDirections(5, 8, new TorchSharp.torch.Generator(42));
        var again = LossFunctions.RandomDirections(5, 8, new TorchSharp.torch.Generator(42));
        var other = LossFunctions.RandomDirections(5, 8, new TorchSharp.torch.Generator(43));

        Assert.Equal([5L, 8], first.shape);
        TensorAssert.Close(Enumerable.Repeat(1.0, 8).ToArray(), first.square().sum([0]).sqrt(), 1e-6);
        Assert.Equal(first.data<float>().ToArray(), again.data<float>().ToArray());
        Assert.NotEqual(first.data<float>().ToArray(), other.data<float>().ToArray());
    }

    /// <summary>√M of a symmetric positive definite 2 × 2 matrix [[a, b], [b, d]] by its closed form, row by row.</summary>
    private static double[] Sqrt2x2(double a, double b, double d)
    {
        var s = Math.Sqrt(a * d - b * b);
        var t = Math.Sqrt(a + d + 2 * s);
        return [(a + s) / t, b / t, b / t, (d + s) / t];
    }

    private static double[] Multiply(double[] x, double[] y) =>
        [x[0] * y[0] + x[1] * y[2], x[0] * y[1] + x[1] * y[3], x[2] * y[0] + x[3] * y[2], x[2] * y[1] + x[3] * y[3]];
}
