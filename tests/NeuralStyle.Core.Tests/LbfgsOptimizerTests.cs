using static TorchSharp.torch;

namespace NeuralStyle.Core.Tests;

/// <summary>
/// The L-BFGS step check, driven by hand: the losses and gradients are given, so every image it
/// produces is computed here on paper.
/// </summary>
public class LbfgsOptimizerTests
{
    [Fact]
    public void A_step_that_raised_the_loss_is_taken_back_to_a_quarter_of_the_way()
    {
        using var image = tensor(new[] { 0.5f, 0.5f }).requires_grad_();
        using var optimizer = new LbfgsOptimizer(image, learningRate: 1, historySize: 5);

        // First step: the gradient (1, 1) scaled by 1 / |g|₁ = 0.5, so the image goes to (0, 0).
        Step(optimizer, image, loss: 10, gradient: [1, 1]);
        Assert.Equal(new[] { 0f, 0f }, Values(image));

        // The loss there is higher (20 > 10): back to 0.5 + 0.25 · (0 − 0.5) = 0.375.
        Step(optimizer, image, loss: 20, gradient: [5, 5]);
        Assert.Equal(new[] { 0.375f, 0.375f }, Values(image));

        // Still higher than the last accepted loss: a quarter of the remaining displacement.
        Step(optimizer, image, loss: 15, gradient: [5, 5]);
        Assert.Equal(new[] { 0.46875f, 0.46875f }, Values(image));
    }

    [Fact]
    public void A_step_that_lowered_the_loss_is_kept_and_followed_by_a_quasi_newton_step()
    {
        // f(x) = x₁² + x₂², gradient 2x. From x = (1, 0.5): g = (2, 1), |g|₁ = 3, so the first step
        // is g / 3 and lands on (1/3, 1/6).
        using var image = tensor(new[] { 1f, 0.5f }).requires_grad_();
        using var optimizer = new LbfgsOptimizer(image, learningRate: 1, historySize: 5);
        Step(optimizer, image, loss: 1.25, gradient: [2, 1]);
        AssertClose([1 / 3f, 1 / 6f], Values(image));

        // Lower loss (5/36): accepted. One curvature pair s = (−2/3, −1/3), y = 2s gives the exact
        // inverse Hessian (½ I) along s, so the step goes straight to the minimum (0, 0).
        Step(optimizer, image, loss: 5.0 / 36, gradient: [2 / 3f, 1 / 3f]);
        AssertClose([0f, 0f], Values(image));
    }

    private static void Step(LbfgsOptimizer optimizer, Tensor image, double loss, float[] gradient)
    {
        image.grad?.zero_();
        using (var g = tensor(gradient))
        using (var surrogate = (image * g).sum())
        {
            surrogate.backward(); // Puts exactly `gradient` into image.grad.
        }

        optimizer.Step(loss);
    }

    private static float[] Values(Tensor t) => t.detach().data<float>().ToArray();

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 1e-5f);
        }
    }
}
