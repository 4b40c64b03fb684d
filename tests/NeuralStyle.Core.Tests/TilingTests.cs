using NeuralStyle.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Core.Tests;

/// <summary>Tiling: the tiles cover the image and their weights sum to one; a tiled run optimises the whole image's objective.</summary>
public sealed class TilingTests
{
    [Theory]
    [InlineData(200, 120, 64, 16)]
    [InlineData(97, 61, 48, 8)]
    [InlineData(300, 50, 128, 16)]
    [InlineData(129, 129, 64, 31)]
    [InlineData(64, 40, 64, 8)]
    public void Tiles_cover_the_image_overlap_as_asked_and_their_weights_sum_to_one_everywhere(int width, int height, int tile, int overlap)
    {
        var grid = new TileGrid(width, height, tile, overlap);
        var covered = new int[width, height];
        var weights = new double[width, height];
        foreach (var t in grid.Tiles)
        {
            Assert.InRange(t.X, 0, width - t.Width);
            Assert.InRange(t.Y, 0, height - t.Height);
            Assert.Equal(Math.Min(tile, width), t.Width);
            Assert.Equal(Math.Min(tile, height), t.Height);
            for (var y = 0; y < t.Height; y++)
            {
                for (var x = 0; x < t.Width; x++)
                {
                    covered[t.X + x, t.Y + y]++;
                    weights[t.X + x, t.Y + y] += t.Weight(x, y);
                    Assert.InRange(t.Weight(x, y), 0f, 1f);
                }
            }
        }

        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                Assert.True(covered[x, y] >= 1, $"({x}, {y}) is in no tile");
                Assert.Equal(1.0, weights[x, y], 5);
            }
        }

        // Neighbours along each axis overlap by at least the overlap asked for.
        foreach (var axis in new Func<TileGrid.Tile, (int Start, int Length)>[] { t => (t.X, t.Width), t => (t.Y, t.Height) })
        {
            var starts = grid.Tiles.Select(axis).Distinct().OrderBy(a => a.Start).ToArray();
            for (var i = 1; i < starts.Length; i++)
            {
                Assert.True(starts[i - 1].Start + starts[i - 1].Length - starts[i].Start >= overlap);
            }
        }

        // Hand count: ⌈(L − overlap) / (tile − overlap)⌉ per axis, 1 where the image fits in a tile.
        int Count(int length) => length <= tile ? 1 : (int)Math.Ceiling((length - overlap) / (double)(tile - overlap));
        Assert.Equal(Count(width) * Count(height), grid.Tiles.Count);
    }

    [Fact]
    public void Inside_a_tile_away_from_its_neighbours_the_weight_is_one()
    {
        var grid = new TileGrid(200, 64, 128, 16);
        Assert.Equal(2, grid.Tiles.Count);
        Assert.Equal(1f, grid.Tiles[0].Weight(10, 30));      // left edge of the image: no neighbour
        Assert.Equal(1f, grid.Tiles[1].Weight(127, 30));     // right edge of the image
        // The overlap is [72, 128): the first tile's weight falls linearly across it, (128 − (x + 0.5)) / 56.
        Assert.Equal(0.5f / 56, grid.Tiles[0].Weight(127, 30), 6);
        Assert.Equal(28.5f / 56, grid.Tiles[0].Weight(99, 30), 6);
        Assert.Equal(27.5f / 56, grid.Tiles[1].Weight(99 - 72, 30), 6);
    }

    [SkippableTheory]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.Lbfgs)]
    public void A_tiled_run_reaches_nearly_the_whole_image_objective_of_an_untiled_one(OptimizerKind kind)
    {
        var extractor = SharedExtractor.Get();
        var images = TestEnvironment.RequireImages();
        using var scope = NewDisposeScope();
        var content = Load(images, "tubingen.jpg", 256);
        var style = Load(images, "starry_night.jpg", 256);
        var settings = new StyleOptimizerSettings { Optimizer = kind, Adam = new AdamSettings { LearningRate = 0.02 } };
        var iterations = kind == OptimizerKind.Adam ? 40 : 20;

        Assert.Equal(4, new TileGrid(256, 192, 160, TiledObjective.Overlap(160)).Tiles.Count); // 256 × 192 in 160 px tiles overlapping by at least 20: 2 × 2
        AssertTiledRunNearlyReachesWholeObjective(extractor, content, style, settings, iterations);
    }

    [SkippableTheory]
    [InlineData(StyleStatistic.Gram, LossNormalization.None)]
    [InlineData(StyleStatistic.Wasserstein, LossNormalization.None)]
    [InlineData(StyleStatistic.Gram, LossNormalization.Style)]
    [InlineData(StyleStatistic.Wasserstein, LossNormalization.Style)]
    public void In_one_tile_the_tiled_objective_and_its_gradient_are_the_whole_image_s(StyleStatistic statistic, LossNormalization normalization)
    {
        // One tile covers the image with weight 1 everywhere: the weighted means are plain means, so
        // the tiled loss and its gradient (two sweeps, global residuals, TV apart) must be autograd's
        // of the whole image's loss.
        var extractor = SharedExtractor.Get();
        var images = TestEnvironment.RequireImages();
        using var scope = NewDisposeScope();
        var content = Load(images, "tubingen.jpg", 96);
        var style = Load(images, "starry_night.jpg", 96);
        var image = (content * 0.8) + 0.1;
        var settings = new StyleOptimizerSettings
        {
            StyleStatistic = statistic,
            LossNormalization = normalization,
            StyleWeight = (statistic, normalization) switch
            {
                (StyleStatistic.Gram, LossNormalization.None) => 1e-2,
                (StyleStatistic.Gram, _) => 559,
                (_, LossNormalization.None) => 593,
                _ => 2.11e5,
            },
        };
        using var whole = new StyleObjective(extractor, content, [new StyleTensor(style)], settings);
        using var tiled = new TiledObjective(extractor, content, [new StyleTensor(style)], settings, tileSize: 96);
        Assert.Single(tiled.Grid.Tiles);

        var x = image.detach().clone().requires_grad_(true);
        var (total, _) = whole.Evaluate(x);
        total.backward();
        var gradient = zeros_like(image);
        var terms = tiled.Evaluate(image, gradient);

        Assert.Equal(total.item<float>(), terms.Total, total.item<float>() * 1e-4);
        var scale = x.grad!.abs().max().item<float>();

        // The Gaussian fit's covariance is a float32 difference of raw moments (S − μμᵀ), whose rounding
        // its square roots magnify: the two routes to the gradient agree to 2e-4 of its largest element.
        var tolerance = statistic == StyleStatistic.Gram ? 1e-4 : 1e-3;
        Assert.True(gradient.allclose(x.grad!, rtol: 1e-3, atol: scale * tolerance), $"largest difference {(gradient - x.grad!).abs().max().item<float>():E2} of {scale:E2}");
    }

    [SkippableFact]
    public void A_tiled_scale_averages_its_iterates()
    {
        var extractor = SharedExtractor.Get();
        var images = TestEnvironment.RequireImages();
        using var scope = NewDisposeScope();
        var content = Load(images, "tubingen.jpg", 128);
        var style = Load(images, "starry_night.jpg", 128);
        var settings = new StyleOptimizerSettings { Optimizer = OptimizerKind.Adam };
        using var plain = ScaleOptimizers.Tiled(extractor, content, [new StyleTensor(style)], content, settings, tileSize: 80);
        using var averaged = ScaleOptimizers.Tiled(extractor, content, [new StyleTensor(style)], content, settings with { AveragingDecay = 0.5 }, tileSize: 80);
        var expected = zeros_like(content);
        for (var t = 1; t <= 3; t++)
        {
            plain.Step();
            averaged.Step();
            expected.mul_(0.5).add_(plain.CopyImage(), 0.5);
            var corrected = expected / (1 - Math.Pow(0.5, t));
            Assert.True(averaged.CopyImage().allclose(corrected, rtol: 1e-5, atol: 1e-6), $"iteration {t}");
        }

        Assert.False(averaged.CopyImage().allclose(plain.CopyImage()), "the average must differ from the last iterate");
    }

    [SkippableFact]
    public void Memory_does_not_grow_per_tiled_iteration_without_forced_collections()
    {
        var extractor = SharedExtractor.Get();
        using var content = rand([1, 3, 96, 128], generator: new Generator(21));
        using var style = rand([1, 3, 96, 96], generator: new Generator(22));
        var settings = new StyleOptimizerSettings { Lbfgs = new LbfgsSettings { HistorySize = 3 } };
        using var optimizer = ScaleOptimizers.Tiled(extractor, content, [new StyleTensor(style)], content, settings, tileSize: 64);
        for (var i = 0; i < 5; i++)
        {
            optimizer.Step();
        }

        var liveAfterWarmUp = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var heapAfterWarmUp = NativeHeap.BytesInUseWithoutCollecting();
        for (var i = 0; i < 30; i++)
        {
            optimizer.Step();
        }

        Assert.Equal(liveAfterWarmUp, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        var growth = NativeHeap.BytesInUseWithoutCollecting() - heapAfterWarmUp;
        Assert.True(growth < 8L << 20, $"the C heap grew by {growth >> 20} MB over 30 tiled iterations");
    }

    [SkippableFact]
    public async Task A_run_with_a_forced_tile_size_is_tiled_and_returns_the_whole_image()
    {
        var images = TestEnvironment.RequireImagesAndWeights();
        var options = new StyleTransferOptions
        {
            Content = Path.Combine(images, "tubingen.jpg"),
            Styles = [Path.Combine(images, "starry_night.jpg")],
            OutputSize = 128,
            StartSize = 64,
            Iterations = 4,
            TileSize = 64,
        };
        var plan = await StyleTransfer.PlanAsync(options);
        Assert.Equal([null, 64, 64], plan.Scales.Select(s => s.TileSize)); // 64, 91, 128 px
        Assert.Equal(6, plan.Scales[^1].TileCount); // 128 × 96 in 64 px tiles overlapping by 16: 3 × 2

        var result = await StyleTransfer.RunAsync(options);
        Assert.Equal((128, 96), (result.Image.Width, result.Image.Height));
        Assert.Equal(plan.Scales.Sum(s => s.Iterations), result.LossHistory.Count);
        Assert.All(result.LossHistory, l => Assert.True(double.IsFinite(l.Total)));
    }

    [SkippableFact]
    public async Task A_tiled_run_resumed_from_its_checkpoint_ends_as_the_uninterrupted_run()
    {
        // L-BFGS and iterate averaging in tiles; stopped at 9, the checkpoint of 8 is inside the tiled scale.
        var images = TestEnvironment.RequireImagesAndWeights();
        var folder = Directory.CreateTempSubdirectory("neuralstyle-tiled-checkpoint-").FullName;
        try
        {
            var options = new StyleTransferOptions
            {
                Content = Path.Combine(images, "tubingen.jpg"),
                Styles = [Path.Combine(images, "starry_night.jpg")],
                OutputSize = 128,
                StartSize = 128,
                Iterations = 12,
                TileSize = 80,
                AveragingDecay = 0.5,
            };
            var uninterrupted = await StyleTransfer.RunAsync(options);
            var checkpoint = Path.Combine(folder, "run.checkpoint");
            var interrupted = options with { CheckpointPath = checkpoint, CheckpointInterval = 4 };
            using var cts = new CancellationTokenSource();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => StyleTransfer.RunAsync(
                interrupted, new SynchronousProgress<StyleTransferProgress>(p => { if (p.Iteration == 9) { cts.Cancel(); } }), cts.Token));

            var resumedIterations = new List<int>();
            var resumed = await StyleTransfer.RunAsync(interrupted with { ResumeFrom = checkpoint }, new SynchronousProgress<StyleTransferProgress>(p => resumedIterations.Add(p.Iteration)));

            Assert.Equal(9, resumedIterations[0]);
            Assert.Equal(uninterrupted.LossHistory, resumed.LossHistory);
            Assert.Equal(uninterrupted.Image.Pixels.ToArray(), resumed.Image.Pixels.ToArray());

            // Another tile size is another run: its checkpoint does not fit.
            var other = await Assert.ThrowsAsync<CheckpointException>(() => StyleTransfer.RunAsync(interrupted with { TileSize = 96, ResumeFrom = checkpoint }));
            Assert.Contains("other options or images", other.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Tiling_with_masks_is_refused_before_any_work()
    {
        var masked = new StyleTransferOptions
        {
            Content = "c.png",
            Styles = [new StyleImage("a.png", 1, "m1.png"), new StyleImage("b.png", 1, "m2.png")],
            Tiling = true,
        };
        Assert.Equal("Tiling does not work with style masks yet. (Parameter 'Tiling')", Assert.Throws<ArgumentException>(() => masked.Validate()).Message);
    }

    [Fact]
    public void Tiling_with_the_sliced_wasserstein_statistic_is_refused_before_any_work()
    {
        var sliced = new StyleTransferOptions { Content = "c.png", Styles = ["a.png"], Tiling = true, StyleStatistic = StyleStatistic.SlicedWasserstein };

        Assert.StartsWith("Tiling does not work with the sliced Wasserstein style statistic", Assert.Throws<ArgumentException>(() => sliced.Validate()).Message);
    }

    [Fact]
    public void Tiling_with_the_content_term_scaled_is_refused_before_any_work()
    {
        var scaled = new StyleTransferOptions { Content = "c.png", Styles = ["a.png"], TileSize = 256, LossNormalization = LossNormalization.All };

        Assert.StartsWith("Tiling does not work with the content term scaled", Assert.Throws<ArgumentException>(() => scaled.Validate()).Message);
    }

    [SkippableFact]
    public void A_tiled_run_with_the_wasserstein_statistic_reaches_nearly_the_whole_image_objective()
    {
        var extractor = SharedExtractor.Get();
        var images = TestEnvironment.RequireImages();
        using var scope = NewDisposeScope();
        var content = Load(images, "tubingen.jpg", 256);
        var style = Load(images, "starry_night.jpg", 256);
        var settings = new StyleOptimizerSettings { StyleStatistic = StyleStatistic.Wasserstein, LossNormalization = LossNormalization.None, StyleWeight = 5e3 };

        AssertTiledRunNearlyReachesWholeObjective(extractor, content, style, settings, iterations: 20);
    }

    /// <summary>
    /// Runs the untiled and the tiled (160 px tiles) optimisation side by side and measures both results
    /// with one ruler, the whole image's objective: both must at least halve it, and the tiled run must
    /// end within 15 % of the untiled one (tile borders see zero padding where the whole image has neighbours).
    /// </summary>
    private static void AssertTiledRunNearlyReachesWholeObjective(IFeatureExtractor extractor, Tensor content, Tensor style, StyleOptimizerSettings settings, int iterations)
    {
        using var whole = new StyleOptimizer(extractor, content, style, content, settings);
        using var tiled = ScaleOptimizers.Tiled(extractor, content, [new StyleTensor(style)], content, settings, tileSize: 160);
        for (var i = 0; i < iterations; i++)
        {
            whole.Step();
            tiled.Step();
        }

        using var ruler = new StyleOptimizer(extractor, content, style, content, settings);
        var start = Objective(ruler, content);
        var wholeEnd = Objective(ruler, whole.CopyImage());
        var tiledEnd = Objective(ruler, tiled.CopyImage());
        Assert.True(wholeEnd < start * 0.5, $"the untiled run did not converge: {start:E3} to {wholeEnd:E3}");
        Assert.True(tiledEnd < start * 0.5, $"the tiled run did not converge: {start:E3} to {tiledEnd:E3}");
        Assert.InRange(tiledEnd / wholeEnd, 0.85, 1.15);
    }

    private static double Objective(StyleOptimizer ruler, Tensor image)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return ruler.Measure(image).Total;
    }

    private static Tensor Load(string images, string name, int size) =>
        ImageTensors.ToTensor(RgbImage.Load(Path.Combine(images, name)).ResizeToFit(size, allowUpscale: true));
}
