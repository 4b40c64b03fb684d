using static TorchSharp.torch;

namespace NeuralStyle.Core.Tests;

/// <summary>
/// The L-BFGS update rule, driven by hand: the losses and gradients are given, so every image it
/// produces is computed here on paper.
/// </summary>
public class LbfgsRuleTests
{
    [Fact]
    public void A_step_that_raised_the_loss_is_taken_back_to_a_quarter_of_the_way()
    {
        using var image = tensor(new[] { 0.5f, 0.5f });
        using var optimizer = new LbfgsRule(image, learningRate: 1, historySize: 5);

        // First step: the largest gradient component moves by 0.05, so the image goes to (0.45, 0.45).
        Step(optimizer, image, loss: 10, gradient: [1, 1]);
        AssertClose([0.45f, 0.45f], Values(image));

        // The loss there is higher (20 > 10): back to 0.5 + 0.25 · (0.45 − 0.5) = 0.4875.
        Step(optimizer, image, loss: 20, gradient: [5, 5]);
        AssertClose([0.4875f, 0.4875f], Values(image));

        // Still higher than the last accepted loss: a quarter of the remaining displacement.
        Step(optimizer, image, loss: 15, gradient: [5, 5]);
        AssertClose([0.496875f, 0.496875f], Values(image));
    }

    [Fact]
    public void A_step_that_lowered_the_loss_is_kept_and_followed_by_a_quasi_newton_step()
    {
        // f(x) = x₁² + x₂², gradient 2x. From x = (1, 0.5): g = (2, 1), largest component 2, so the
        // first step is 0.05 · g / 2 = (0.05, 0.025) and lands on (0.95, 0.475).
        using var image = tensor(new[] { 1f, 0.5f });
        using var optimizer = new LbfgsRule(image, learningRate: 1, historySize: 5);
        Step(optimizer, image, loss: 1.25, gradient: [2, 1]);
        AssertClose([0.95f, 0.475f], Values(image));

        // Lower loss (1.128125): accepted. One curvature pair s = (−0.05, −0.025), y = 2s gives the
        // exact inverse Hessian (½ I) along s, so the step goes straight to the minimum (0, 0).
        Step(optimizer, image, loss: 1.128125, gradient: [1.9f, 0.95f]);
        AssertClose([0f, 0f], Values(image));
    }

    [Fact]
    public void An_optimiser_that_adopts_anothers_curvature_pairs_takes_a_quasi_newton_step_first()
    {
        // The same two steps as above build the pair s = (−0.05, −0.025), y = 2s on f(x) = x₁² + x₂².
        using var first = tensor(new[] { 1f, 0.5f });
        using var stalled = new LbfgsRule(first, learningRate: 1, historySize: 5);
        Step(stalled, first, loss: 1.25, gradient: [2, 1]);
        Step(stalled, first, loss: 1.128125, gradient: [1.9f, 0.95f]);

        // Another optimiser of the same problem, from (1, 0.5) again: with the pair (inverse Hessian
        // ½ I) its first step is −½ · (2, 1), straight to the minimum, where on its own it would move
        // the steepest pixel by 0.05 only, to (0.95, 0.475).
        var handedOver = stalled.HandOver();
        using var second = tensor(new[] { 1f, 0.5f });
        using var successor = new LbfgsRule(second, learningRate: 1, historySize: 5);
        successor.TakeOver(handedOver);

        Step(successor, second, loss: 1.25, gradient: [2, 1]);
        AssertClose([0f, 0f], Values(second));

        // The one that gave its pairs away starts afresh: a first step of 0.05 from (0, 0) along −(2, 1).
        Step(stalled, first, loss: 0, gradient: [2, 1]);
        AssertClose([-0.05f, -0.025f], Values(first));
    }

    [Theory]
    [InlineData(4, 1e3f, 1.0)]
    [InlineData(400, 1e3f, 1.0)]
    [InlineData(400, 1e-3f, 1.0)]
    [InlineData(400, 1e3f, 0.5)]
    public void The_first_step_moves_the_steepest_pixel_by_the_first_step_length_whatever_the_image_size_and_gradient_scale(int pixels, float gradientScale, double learningRate)
    {
        // PyTorch's 1 / |g|₁ scaling would move each of 400 pixels 100 times less than each of 4,
        // and a small gradient by the gradient itself.
        using var image = full(pixels, 0.5f);
        using var optimizer = new LbfgsRule(image, learningRate, historySize: 5);
        var gradient = Enumerable.Range(0, pixels).Select(i => i == 0 ? 2 * gradientScale : gradientScale).ToArray();

        Step(optimizer, image, loss: 10, gradient: gradient);

        var moved = Values(image).Select(v => 0.5f - v).ToArray();
        var length = (float)(LbfgsRule.FirstStepLength * learningRate);
        Assert.Equal(length, moved[0], 1e-6f);
        Assert.All(moved.Skip(1), m => Assert.Equal(length / 2, m, 1e-6f));
    }

    [Fact]
    public void Ten_steps_taken_back_among_the_last_forty_mean_it_has_stalled()
    {
        using var image = tensor(new[] { 0.5f, 0.5f });
        using var optimizer = new LbfgsRule(image, learningRate: 1, historySize: 5);
        Step(optimizer, image, loss: 100, gradient: [1, 1]);

        // Every loss above the last accepted one is a step taken back (after six retreats in a row
        // the seventh is accepted as a fresh start, so strictly rising losses stay uphill).
        for (var i = 1; i <= 9; i++)
        {
            Step(optimizer, image, loss: 100 + i, gradient: [1, 1]);
        }

        Assert.False(optimizer.IsStalled); // 9 of the last 40
        Step(optimizer, image, loss: 110, gradient: [1, 1]);
        Assert.True(optimizer.IsStalled); // 10 of the last 40

        // 30 steps downhill: the 10 uphill ones are still within the last 40 ...
        for (var i = 1; i <= 30; i++)
        {
            Step(optimizer, image, loss: 100 - i, gradient: [1, 1]);
        }

        Assert.True(optimizer.IsStalled);

        // ... and one more pushes the first of them out.
        Step(optimizer, image, loss: 69, gradient: [1, 1]);
        Assert.False(optimizer.IsStalled);
    }

    [Fact]
    public void Six_steps_taken_back_in_a_row_mean_it_has_stalled_before_the_seventh_clears_the_curvature_pairs()
    {
        // f(x) = x₁² + x₂², gradient 2x: two accepted steps leave one curvature pair.
        using var image = tensor(new[] { 1f, 0.5f });
        using var optimizer = new LbfgsRule(image, learningRate: 1, historySize: 5);
        Step(optimizer, image, loss: 1.25, gradient: [2, 1]);
        Step(optimizer, image, loss: 1.128125, gradient: [1.9f, 0.95f]);

        // Five uphill losses in a row: five retreats, not yet stalled (5 of the last 40).
        for (var i = 1; i <= 5; i++)
        {
            Step(optimizer, image, loss: 2 + i, gradient: [1, 1]);
        }

        Assert.False(optimizer.IsStalled);

        // The sixth retreat is the last one before the pairs are cleared: stalled now, with the pair still held.
        Step(optimizer, image, loss: 8, gradient: [1, 1]);
        Assert.True(optimizer.IsStalled);
        using (var state = (LbfgsState)optimizer.HandOver())
        {
            Assert.Single(state.Pairs);
        }
    }

    [Fact]
    public void A_checkpoint_keeps_the_record_of_recent_steps_taken_back()
    {
        using var image = tensor(new[] { 0.5f, 0.5f });
        using var optimizer = new LbfgsRule(image, learningRate: 1, historySize: 5);
        Step(optimizer, image, loss: 100, gradient: [1, 1]);
        for (var i = 1; i <= 10; i++)
        {
            Step(optimizer, image, loss: 100 + i, gradient: [1, 1]);
        }

        using var state = optimizer.SaveState();
        using var restored = new LbfgsRule(image, learningRate: 1, historySize: 5);
        Assert.False(restored.IsStalled);
        restored.LoadState(state);
        Assert.True(restored.IsStalled);
        restored.Restart();
        Assert.False(restored.IsStalled);
    }

    private static void Step(LbfgsRule rule, Tensor image, double loss, float[] gradient)
    {
        using var g = tensor(gradient);
        rule.Step(image, g, loss);
    }

    private static float[] Values(Tensor t) => t.data<float>().ToArray();

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 1e-5f);
        }
    }
}
