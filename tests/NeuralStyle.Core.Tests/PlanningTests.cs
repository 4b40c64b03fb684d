using System.Text.Json;
using NeuralStyle.Imaging;

namespace NeuralStyle.Core.Tests;

/// <summary>The plan before a run: the network's footprint counted by hand, the schedule, the estimate against measured peaks, and the guard.</summary>
public sealed class PlanningTests
{
    /// <summary>The shared starry_night.jpg's size (its README), the style of the measured runs.</summary>
    private const int StarryNightWidth = 1024, StarryNightHeight = 640;

    [Fact]
    public void Feature_maps_up_to_block5_conv2_of_a_32_px_square_add_up_as_counted_by_hand()
    {
        // Per block: its convolutions' outputs, then (before the deepest layer's block) its pooling's output.
        // block1 2·64·32·32 = 131072, pool 64·16·16 = 16384; block2 2·128·16·16 = 65536, pool 128·8·8 = 8192;
        // block3 4·256·8·8 = 65536, pool 256·4·4 = 4096; block4 4·512·4·4 = 32768, pool 512·2·2 = 2048;
        // block5_conv1 and _conv2 2·512·2·2 = 4096.
        Assert.Equal(329_728, NetworkFootprint.ActivationElements(32, 32, "block5_conv2"));
        Assert.Equal(16_384 + 8_192 + 4_096 + 2_048, NetworkFootprint.PoolingElements(32, 32, "block5_conv2"));
    }

    [Fact]
    public void Odd_sides_are_halved_rounding_down_and_the_walk_stops_at_the_deepest_layer()
    {
        // 20 × 36 to block3_conv1: block1 2·64·720 = 92160, pool to 10 × 18: 64·180 = 11520;
        // block2 2·128·180 = 46080, pool to 5 × 9: 128·45 = 5760; block3_conv1 256·45 = 11520.
        Assert.Equal(167_040, NetworkFootprint.ActivationElements(20, 36, "block3_conv1"));
    }

    [Fact]
    public void A_forward_pass_without_gradients_holds_the_kept_maps_and_two_more_as_counted_by_hand()
    {
        // 32 × 32 px: the image and its normalised copy 2·3·1024 = 6144 throughout. Keeping block1_conv1
        // and block2_conv1: conv1_1 6144 + 64·1024 = 71680 (then kept); conv1_2 6144 + 65536 + 65536 = 137216;
        // pooling 6144 + 65536 + 65536 (conv1_2's map) + 64·256 = 153600; conv2_1 6144 + 65536 + 16384 + 128·256 = 120832.
        Assert.Equal(153_600, NetworkFootprint.ForwardPeakElements(32, 32, ["block1_conv1", "block2_conv1"]));
        // Keeping only block1_conv2: conv1_2 reads conv1_1's map, which is then released.
        Assert.Equal(137_216, NetworkFootprint.ForwardPeakElements(32, 32, ["block1_conv2"]));
    }

    [Fact]
    public void An_enlarged_or_elongated_style_costs_memory_in_the_plan()
    {
        var options = new StyleTransferOptions { OutputSize = 1024, StartSize = 1024, Iterations = 10, MaxMemory = long.MaxValue };
        var asContent = RunPlan.For(options, 1024, 768, [(1024, 768)]).PeakMemoryBytes;

        // Measuring an 8192 × 6144 style holds at least its first two 64-channel maps, 2·64·8192·6144 float32 values.
        var enlarged = RunPlan.For(options with { StyleScale = 8 }, 1024, 768, [(1024, 768)]).PeakMemoryBytes;
        Assert.True(enlarged > asContent + (2L * 64 * 8192 * 6144 * 4), $"{enlarged} bytes");

        // A 1 × 512 px strip is measured as 16 × 8192 px at every scale, whatever the output size.
        var strip = RunPlan.For(options with { OutputSize = 64, StartSize = 64 }, 1024, 768, [(512, 1)]);
        var square = RunPlan.For(options with { OutputSize = 64, StartSize = 64 }, 1024, 768, [(64, 64)]);
        Assert.True(strip.PeakMemoryBytes - square.PeakMemoryBytes > 2L * 64 * 16 * 8192 * 4);
        Assert.Equal((8192, 16), InputPreparation.StyleSizeAt(512, 1, 64, options));
    }

    [Fact]
    public async Task A_style_more_elongated_than_512_to_1_is_refused_in_one_line_before_any_work()
    {
        var content = new RgbImage(64, 48, new byte[64 * 48 * 3]);
        var options = new StyleTransferOptions { Content = content, Styles = [new RgbImage(64, 48, new byte[64 * 48 * 3]), new RgbImage(1, 513, new byte[513 * 3])], OutputSize = 64 };

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => StyleTransfer.PlanAsync(options));
        Assert.Equal("Style image 2 is 1 × 513 px, more elongated than 512:1: crop it to a less elongated shape. (Parameter 'Styles')", refused.Message);
        var nowhere = new StyleTransferEngineOptions { WeightsPath = "/no/such/weights.h5" };
        await Assert.ThrowsAsync<ArgumentException>(() => StyleTransfer.RunAsync(options, nowhere));
        await StyleTransfer.PlanAsync(options with { Styles = [new RgbImage(1, 512, new byte[512 * 3])] });
    }

    [Fact]
    public void A_steps_operations_are_twice_the_convolutions_forward_cost()
    {
        // 2 (forward and backward) · 2 · 9 · C_in · C_out · H · W per convolution, 32 × 32 px, to block5_conv2:
        // block1 36·(3·64 + 64·64)·1024, block2 36·(64·128 + 128·128)·256, block3 36·(128·256 + 3·256·256)·64,
        // block4 36·(256·512 + 3·512·512)·16, block5 36·2·512·512·4.
        const double expected = (36.0 * 4288 * 1024) + (36.0 * 24576 * 256) + (36.0 * 229376 * 64) + (36.0 * 917504 * 16) + (36.0 * 524288 * 4);
        Assert.Equal(expected, NetworkFootprint.StepFlops(32, 32, "block5_conv2"));
    }

    [Fact]
    public void The_plan_has_the_schedules_scales_at_the_contents_aspect_ratio()
    {
        var plan = RunPlan.For(new StyleTransferOptions { OutputSize = 512, StartSize = 128, Iterations = 50, MaxMemory = long.MaxValue }, 1024, 768);

        // Sizes grow by √2 from 128 (128, 181, 256, 362) to 512; iterations round(50·√(512/s)); 4:3.
        Assert.Equal(
            [(128, 96, 100), (181, 136, 84), (256, 192, 71), (362, 272, 59), (512, 384, 50)],
            plan.Scales.Select(s => (s.Width, s.Height, s.Iterations)));
        Assert.Equal(plan.Scales[^1].PeakMemoryBytes, plan.PeakMemoryBytes);
        Assert.True(plan.FitsInMemory);
        Assert.Equal(long.MaxValue, plan.MemoryLimitBytes);
        Assert.True(plan.EstimatedDuration > TimeSpan.Zero);
    }

    [Fact]
    public void The_estimate_is_within_20_percent_of_every_measured_peak()
    {
        // Peak RSS of single-scale runs (tubingen, 1024 × 768, × starry_night) measured by bench --memory.
        var runs = MeasuredRuns("memory-2*.json");
        Assert.True(runs.Count >= 8);
        foreach (var (options, measured) in runs)
        {
            Assert.InRange((double)RunPlan.For(options, 1024, 768).PeakMemoryBytes / measured, 0.8, 1.2);
        }
    }

    [Fact]
    public void The_estimate_with_an_enlarged_style_is_within_20_percent_of_every_measured_peak()
    {
        // One iteration with starry_night enlarged up to eightfold, where measuring the style is the peak (bench --memory style).
        var runs = MeasuredRuns("style-memory-*.json");
        Assert.True(runs.Count >= 5);
        foreach (var (options, measured) in runs)
        {
            Assert.True(options.StyleScale > 1);
            Assert.InRange((double)RunPlan.For(options, 1024, 768, [(StarryNightWidth, StarryNightHeight)]).PeakMemoryBytes / measured, 0.8, 1.2);
        }
    }

    [Fact]
    public void The_tiled_estimate_is_within_20_percent_of_every_measured_tiled_peak()
    {
        // The same, in forced tiles, measured by bench --memory tiled.
        var runs = MeasuredRuns("tiled-memory-*.json");
        Assert.True(runs.Count >= 5);
        foreach (var (options, measured) in runs)
        {
            var plan = RunPlan.For(options, 1024, 768);
            Assert.Equal(options.TileSize, plan.Scales.Single().TileSize);
            Assert.InRange((double)plan.PeakMemoryBytes / measured, 0.8, 1.2);
        }
    }

    [Fact]
    public void A_tiled_lbfgs_scale_runs_adam_where_its_history_would_not_fit_and_the_plan_says_so()
    {
        // At 1024 × 768 px a float32 vector is 9.4 MB; 50 iterations of L-BFGS keep 100 of them
        // (times the heap's growth, 3): about 2.8 GB for the history alone, whatever the tile size.
        var options = new StyleTransferOptions { OutputSize = 1024, StartSize = 1024, Iterations = 50, TileSize = 512 };
        var roomy = RunPlan.For(options with { MaxMemory = 64L << 30 }, 1024, 768).Scales.Single();
        Assert.Equal(OptimizerKind.Lbfgs, roomy.Optimizer);

        var tight = RunPlan.For(options with { MaxMemory = 2L << 30 }, 1024, 768);
        Assert.Equal(OptimizerKind.Adam, tight.Scales.Single().Optimizer);
        Assert.True(tight.FitsInMemory);
        Assert.True(roomy.PeakMemoryBytes - tight.PeakMemoryBytes > 2_500_000_000, $"{roomy.PeakMemoryBytes:N0} against {tight.PeakMemoryBytes:N0}");
        // 1024 × 768 in 512 px tiles overlapping by at least 128: ⌈896 / 384⌉ = 3 by ⌈640 / 384⌉ = 2.
        Assert.Contains("in 6 tiles of 512 px with Adam (L-BFGS's history would not fit in tiles this large)", tight.ToString());
        Assert.DoesNotContain("with Adam", RunPlan.For(options with { MaxMemory = 64L << 30 }, 1024, 768).ToString());

        // With Tiling under a limit, L-BFGS's history would leave room for smaller tiles only: Adam, in larger ones.
        var chosen = RunPlan.For(options with { TileSize = null, Tiling = true, MaxMemory = 2L << 30 }, 1024, 768).Scales.Single();
        Assert.Equal(OptimizerKind.Adam, chosen.Optimizer);
        Assert.True(chosen.TileSize >= 512, $"tiles of {chosen.TileSize} px");

        // An Adam run's tiled scales are Adam's whatever the room; a whole scale keeps L-BFGS.
        Assert.Equal(OptimizerKind.Adam, RunPlan.For(options with { Optimizer = OptimizerKind.Adam, MaxMemory = 64L << 30 }, 1024, 768).Scales.Single().Optimizer);
        Assert.Equal(OptimizerKind.Lbfgs, RunPlan.For(options with { TileSize = null, MaxMemory = 2L << 30 }, 1024, 768).Scales.Single().Optimizer);
    }

    [Fact]
    public void The_largest_size_that_fits_fits_and_one_more_pixel_does_not()
    {
        var options = new StyleTransferOptions { OutputSize = 4096, StartSize = 4096, MaxMemory = 3_000_000_000 };
        var plan = RunPlan.For(options, 1024, 768);
        Assert.False(plan.FitsInMemory);

        var largest = plan.LargestOutputSizeWithin(3_000_000_000);
        Assert.NotNull(largest);
        Assert.True(RunPlan.For(options with { OutputSize = largest.Value }, 1024, 768).PeakMemoryBytes <= 3_000_000_000);
        Assert.True(RunPlan.For(options with { OutputSize = largest.Value + 1 }, 1024, 768).PeakMemoryBytes > 3_000_000_000);
        Assert.Null(plan.LargestOutputSizeWithin(1_000_000));
    }

    [Fact]
    public void Bfloat16_and_fewer_iterations_need_less()
    {
        var float32 = RunPlan.For(new StyleTransferOptions { OutputSize = 1024, StartSize = 1024, Iterations = 200 }, 1024, 768).PeakMemoryBytes;
        var bfloat16 = RunPlan.For(new StyleTransferOptions { OutputSize = 1024, StartSize = 1024, Iterations = 200, Precision = ComputePrecision.BFloat16 }, 1024, 768).PeakMemoryBytes;
        var short32 = RunPlan.For(new StyleTransferOptions { OutputSize = 1024, StartSize = 1024, Iterations = 10 }, 1024, 768).PeakMemoryBytes;
        Assert.True(bfloat16 < float32);
        Assert.True(short32 < float32);
    }

    [Fact]
    public void A_bfloat16_lbfgs_scale_may_finish_in_float32_only_where_float32_fits_too()
    {
        var bfloat16 = new StyleTransferOptions { OutputSize = 512, StartSize = 512, Iterations = 200, Precision = ComputePrecision.BFloat16, MaxMemory = 100_000_000_000 };
        var scale = RunPlan.For(bfloat16, 1024, 768).Scales.Single();
        Assert.True(scale.MayFinishInFloat32);

        // The float32 finish's peak: float32's own, plus the bfloat16 network still loaded beside it
        // (VGG19 to block5_conv2: 15,304,768 weights and biases, 2 bytes each).
        var float32Peak = RunPlan.For(bfloat16 with { Precision = ComputePrecision.Float32 }, 1024, 768).PeakMemoryBytes;
        Assert.Equal(float32Peak + (15_304_768L * 2), scale.Float32FinishPeakMemoryBytes);
        Assert.True(scale.Float32FinishPeakMemoryBytes > scale.PeakMemoryBytes);

        // A limit between the two peaks: the run fits in bfloat16 and stays in it.
        var between = bfloat16 with { MaxMemory = (scale.PeakMemoryBytes + scale.Float32FinishPeakMemoryBytes) / 2 };
        Assert.True(RunPlan.For(between, 1024, 768).FitsInMemory);
        Assert.False(RunPlan.For(between, 1024, 768).Scales.Single().MayFinishInFloat32);

        // Never for float32 itself, Adam, or a scale in tiles.
        Assert.False(RunPlan.For(bfloat16 with { Precision = ComputePrecision.Float32 }, 1024, 768).Scales.Single().MayFinishInFloat32);
        Assert.False(RunPlan.For(bfloat16 with { Optimizer = OptimizerKind.Adam }, 1024, 768).Scales.Single().MayFinishInFloat32);
        Assert.False(RunPlan.For(bfloat16 with { TileSize = 256 }, 1024, 768).Scales.Single().MayFinishInFloat32);
    }

    [SkippableFact]
    public async Task A_run_over_its_memory_limit_is_refused_before_anything_is_loaded_or_written()
    {
        var images = TestEnvironment.RequireImages();
        var folder = Directory.CreateTempSubdirectory("neuralstyle-plan-").FullName;
        try
        {
            var output = Path.Combine(folder, "out.png");
            var options = new StyleTransferOptions
            {
                Content = Path.Combine(images, "tubingen.jpg"),
                Styles = [Path.Combine(images, "starry_night.jpg")],
                OutputSize = 1024,
                StartSize = 1024,
                MaxMemory = 1_500_000_000,
                OutputPath = output,
            };

            // Were the weights read, this would fail differently.
            var nowhere = new StyleTransferEngineOptions { WeightsPath = Path.Combine(folder, "no-such-weights.h5") };
            var refused = await Assert.ThrowsAsync<MemoryLimitException>(() => StyleTransfer.RunAsync(options, nowhere));

            var plan = await StyleTransfer.PlanAsync(options);
            Assert.Equal(plan.PeakMemoryBytes, refused.EstimatedBytes);
            Assert.Equal(1_500_000_000, refused.LimitBytes);
            Assert.Equal(plan.LargestOutputSizeWithin(1_500_000_000), refused.LargestOutputSize);
            Assert.NotNull(refused.LargestOutputSize);
            Assert.Equal(
                $"The run needs about {refused.EstimatedBytes / 1e9:0.0} GB at 1024 × 768 px in Float32, more than the 1.5 GB it may use (the limit it was given); the largest output size that fits is {refused.LargestOutputSize} px, or allow tiling.",
                refused.Message);
            Assert.False(File.Exists(output));
            Assert.Empty(Directory.GetFiles(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Available_memory_is_read_from_meminfo_and_cgroup_limits()
    {
        const string meminfo = "MemTotal:       24000000 kB\nMemFree:         1000000 kB\nMemAvailable:   12000000 kB\nBuffers:          100 kB\n";
        Assert.Equal(12_000_000L * 1024, AvailableMemory.MemAvailable(meminfo));
        Assert.Null(AvailableMemory.MemAvailable("MemTotal: 1 kB\n"));
        Assert.Equal(600, AvailableMemory.Room("1000\n", "400\n"));
        Assert.Equal(0, AvailableMemory.Room("1000", "1400"));
        Assert.Null(AvailableMemory.Room("max\n", "400"));
        Assert.Null(AvailableMemory.Room("9223372036854771712", "400")); // cgroup v1's "no limit"
        Assert.True(AvailableMemory.ForThisProcess() > Environment.WorkingSet);
    }

    /// <summary>The single-scale runs of the newest committed results file matching <paramref name="pattern"/>: each run's options and measured peak.</summary>
    private static List<(StyleTransferOptions Options, long MeasuredPeak)> MeasuredRuns(string pattern)
    {
        var results = Directory.GetFiles(Path.Combine(RepositoryRoot(), "bench", "results"), pattern).Max()!;
        using var document = JsonDocument.Parse(File.ReadAllText(results));
        return document.RootElement.GetProperty("runs").EnumerateArray().Select(run =>
        {
            var size = run.GetProperty("size").GetInt32();
            var options = new StyleTransferOptions
            {
                OutputSize = size,
                StartSize = size,
                Iterations = run.GetProperty("iterations").GetInt32(),
                Precision = Enum.Parse<ComputePrecision>(run.GetProperty("precision").GetString()!),
                TileSize = run.TryGetProperty("tile_size", out var tile) ? tile.GetInt32() : null,
                StyleScale = run.TryGetProperty("style_scale", out var styleScale) ? styleScale.GetDouble() : 1,
                Optimizer = run.TryGetProperty("tile_size", out _) ? OptimizerKind.Adam : OptimizerKind.Lbfgs, // bench --memory tiled runs Adam
            };
            return (options, run.GetProperty("measured_peak_bytes").GetInt64());
        }).ToList();
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "NeuralStyle.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (NeuralStyle.sln) is not above the test's folder.");
    }
}
