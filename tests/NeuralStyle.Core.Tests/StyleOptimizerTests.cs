using NeuralStyle.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Core.Tests;

/// <summary>The optimiser on real weights and small real images: it converges, stays in range, and does not leak.</summary>
public class StyleOptimizerTests
{
    [SkippableTheory]
    [InlineData(OptimizerKind.Adam, null)]
    [InlineData(OptimizerKind.Lbfgs, null)]
    [InlineData(OptimizerKind.Lbfgs, 2)] // Adam takes over during the warm-up
    public void Memory_does_not_grow_per_iteration(OptimizerKind kind, int? adamAfter)
    {
        var extractor = SharedExtractor.Get();
        using var content = rand([1, 3, 32, 32], generator: new Generator(1));
        using var style = rand([1, 3, 32, 32], generator: new Generator(2));
        // A short L-BFGS history fills during the warm-up; after that its state must stay the same size.
        var options = new StyleOptimizerSettings { Optimizer = kind, Lbfgs = new LbfgsSettings { HistorySize = 3, SwitchToAdamAfter = adamAfter } };
        using var optimizer = new StyleOptimizer(extractor, content, style, content, options);

        for (var i = 0; i < 5; i++)
        {
            optimizer.Step();
        }

        var liveAfterWarmUp = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (var i = 0; i < 30; i++)
        {
            optimizer.Step();
        }

        Assert.Equal(liveAfterWarmUp, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [SkippableFact]
    public void Image_stays_finite_and_in_the_unit_range()
    {
        var extractor = SharedExtractor.Get();
        using var content = rand([1, 3, 32, 40], generator: new Generator(3));
        using var style = rand([1, 3, 32, 32], generator: new Generator(4));
        // Adam with a step long enough to push pixels past 0 and 1 without the clamp.
        var options = new StyleOptimizerSettings { Optimizer = OptimizerKind.Adam, Adam = new AdamSettings { LearningRate = 0.5 } };
        using var optimizer = new StyleOptimizer(extractor, content, style, content, options);

        for (var i = 0; i < 5; i++)
        {
            optimizer.Step();
        }

        using var image = optimizer.CopyImage();
        Assert.Equal([1L, 3, 32, 40], image.shape);
        Assert.True(image.isfinite().all().item<bool>());
        Assert.True(image.min().item<float>() >= 0f);
        Assert.True(image.max().item<float>() <= 1f);
        Assert.Equal(5, optimizer.Iteration);
    }

    [SkippableFact]
    public void Iterate_averaging_returns_the_bias_corrected_moving_average_of_the_iterates()
    {
        var extractor = SharedExtractor.Get();
        using var content = rand([1, 3, 32, 32], generator: new Generator(7));
        using var style = rand([1, 3, 32, 32], generator: new Generator(8));
        using var plain = new StyleOptimizer(extractor, content, style, content, new StyleOptimizerSettings());
        using var averaged = new StyleOptimizer(extractor, content, style, content, new StyleOptimizerSettings { AveragingDecay = 0.5 });
        using var expected = zeros_like(content);

        for (var t = 1; t <= 3; t++)
        {
            plain.Step();
            averaged.Step();
            using var iterate = plain.CopyImage();
            expected.mul_(0.5).add_(iterate, 0.5);
            using var corrected = expected / (1 - Math.Pow(0.5, t));
            using var actual = averaged.CopyImage();

            Assert.True(actual.allclose(corrected, rtol: 1e-5, atol: 1e-6), $"iteration {t}");
        }

        using var last = plain.CopyImage();
        using var average = averaged.CopyImage();
        Assert.False(average.allclose(last), "the average must differ from the last iterate");
    }

    [SkippableFact]
    public void Adam_takes_over_from_lbfgs_with_the_moments_of_every_gradient_so_far()
    {
        var extractor = SharedExtractor.Get();
        using var content = rand([1, 3, 32, 32], generator: new Generator(11));
        using var style = rand([1, 3, 32, 32], generator: new Generator(12));
        var adam = new AdamSettings { LearningRate = 0.01, Beta1 = 0.9, Beta2 = 0.99, Epsilon = 0.1 };
        var lbfgsOnly = new StyleOptimizerSettings { Adam = adam };
        var switching = lbfgsOnly with { Lbfgs = new LbfgsSettings { SwitchToAdamAfter = 3 } };
        using var plain = new StyleOptimizer(extractor, content, style, content, lbfgsOnly);
        using var optimizer = new StyleOptimizer(extractor, content, style, content, switching);
        using var objective = new StyleObjective(extractor, content, [new StyleTensor(style)], switching);
        var gradients = new List<Tensor>();
        using var scope = NewDisposeScope();

        // The first three steps are L-BFGS's own.
        for (var t = 1; t <= 3; t++)
        {
            gradients.Add(Gradient(objective, optimizer.CopyImage()));
            plain.Step();
            optimizer.Step();
            Assert.True(optimizer.CopyImage().eq(plain.CopyImage()).all().item<bool>(), $"L-BFGS step {t}");
        }

        // The fourth is Adam's (Kingma and Ba, Algorithm 1), its moments built from all four gradients.
        var before = optimizer.CopyImage();
        gradients.Add(Gradient(objective, before));
        var m = zeros_like(before);
        var v = zeros_like(before);
        foreach (var g in gradients)
        {
            m = adam.Beta1 * m + (1 - adam.Beta1) * g;
            v = adam.Beta2 * v + (1 - adam.Beta2) * g * g;
        }

        var mHat = m / (1 - Math.Pow(adam.Beta1, 4));
        var vHat = v / (1 - Math.Pow(adam.Beta2, 4));
        var expected = (before - adam.LearningRate * mHat / (vHat.sqrt() + adam.Epsilon)).clamp(0, 1);
        plain.Step();
        optimizer.Step();

        var actual = optimizer.CopyImage();
        Assert.True(actual.allclose(expected, rtol: 1e-4, atol: 1e-6), $"largest difference {(actual - expected).abs().max().item<float>():E2}");
        Assert.False(actual.allclose(plain.CopyImage(), rtol: 1e-4, atol: 1e-6), "the fourth step must not be L-BFGS's");
    }

    /// <summary>The objective's gradient at <paramref name="image"/>, computed apart from any optimiser.</summary>
    private static Tensor Gradient(StyleObjective objective, Tensor image)
    {
        var x = image.detach().clone().requires_grad_(true);
        objective.Evaluate(x).Total.backward();
        return x.grad!.detach().clone();
    }

    [SkippableFact]
    public void Absurd_weights_end_in_a_divergence_error_naming_the_term()
    {
        var extractor = SharedExtractor.Get();
        using var content = rand([1, 3, 32, 32], generator: new Generator(5));
        using var style = rand([1, 3, 32, 32], generator: new Generator(6));
        var options = new StyleOptimizerSettings { StyleWeight = 1e300 };
        using var optimizer = new StyleOptimizer(extractor, content, style, content, options);

        var ex = Assert.Throws<DivergenceException>(() => optimizer.Step());

        Assert.Equal("total", ex.Term);
        Assert.Equal(1, ex.Iteration);
        using var image = optimizer.CopyImage();
        Assert.True(image.isfinite().all().item<bool>(), "the image must not be touched by a diverged step");
    }

    [SkippableFact]
    public void Keep_best_image_ends_on_the_lowest_measured_loss_and_that_loss_is_the_image_s()
    {
        var extractor = SharedExtractor.Get();
        using var content = rand([1, 3, 32, 32], generator: new Generator(9));
        using var style = rand([1, 3, 32, 32], generator: new Generator(10));
        var settings = new StyleOptimizerSettings { Lbfgs = new LbfgsSettings { LearningRate = 30 } };
        using var optimizer = new StyleOptimizer(extractor, content, style, content, settings);
        var measured = Enumerable.Range(0, 6).Select(_ => optimizer.Step().Total).ToArray();

        var kept = optimizer.KeepBestImage();

        Assert.True(kept.Total <= measured.Min(), $"kept {kept.Total:E4}, best measured {measured.Min():E4}");
        // Measured independently: a fresh optimiser's first Step reports the loss of its start image.
        using var image = optimizer.CopyImage();
        using var check = new StyleOptimizer(extractor, content, style, image, settings);
        Assert.Equal(kept.Total, check.Step().Total, 1e-3 * kept.Total);
    }

    [SkippableFact]
    public void Mismatched_initial_image_is_an_argument_error()
    {
        var extractor = SharedExtractor.Get();
        using var content = zeros(1, 3, 32, 32);
        using var start = zeros(1, 3, 16, 32);

        Assert.Throws<ArgumentException>(() => new StyleOptimizer(extractor, content, content, start, new StyleOptimizerSettings()));
    }

    [SkippableFact]
    public void Extractor_returns_only_the_requested_layers_with_keras_shapes()
    {
        var extractor = SharedExtractor.Get();
        using var scope = NewDisposeScope();
        var image = rand(1, 3, 64, 48);

        var features = extractor.Extract(image, ["block1_conv2", "block3_conv1", "block5_conv4"]);

        Assert.Equal(3, features.Count);
        Assert.Equal([1L, 64, 64, 48], features["block1_conv2"].shape);
        Assert.Equal([1L, 256, 16, 12], features["block3_conv1"].shape);
        Assert.Equal([1L, 512, 4, 3], features["block5_conv4"].shape);
        Assert.Throws<ArgumentException>(() => extractor.Extract(image, ["block6_conv1"]));
        Assert.Throws<ArgumentException>(() => extractor.Extract(rand(1, 3, 8, 8), ["block5_conv1"]));
    }

    [SkippableFact]
    public void Weights_are_frozen()
    {
        var extractor = SharedExtractor.Get();
        using var scope = NewDisposeScope();
        var image = rand(1, 3, 32, 32).requires_grad_(true);

        var feature = extractor.Extract(image, ["block2_conv1"])["block2_conv1"];
        feature.sum().backward();

        Assert.NotNull(image.grad);
        Assert.All(extractor.WeightTensors, w => Assert.False(w.requires_grad));
        Assert.All(extractor.WeightTensors, w => Assert.Null(w.grad));
    }

    internal static RgbImage LoadReal(string name, int size) =>
        RgbImage.Load(Path.Combine(TestEnvironment.RequireImages(), name)).ResizeToFit(size);
}
