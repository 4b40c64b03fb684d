using NeuralStyle.Imaging;
using TorchSharp;
using Xunit.Abstractions;

namespace NeuralStyle.Core.Tests;

/// <summary>Cancellation at random points, numerical faults, many runs and long runs in one process.</summary>
public sealed class ReliabilityTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>How much the C heap's bytes in use may grow over many runs or iterations (the measured drift is under 3 MB).</summary>
    private const long MemoryMarginBytes = 16L << 20;

    private readonly string _folder = Directory.CreateTempSubdirectory("neuralstyle-reliability-").FullName;

    [SkippableFact]
    public async Task Cancelling_at_random_points_leaves_no_file_and_the_next_run_works()
    {
        var options = SmallRun() with { OutputPath = Path.Combine(_folder, "out.png"), Iterations = 6, StartSize = 32 };
        var reference = await StyleTransfer.RunAsync(options with { OutputPath = null });
        var totalIterations = reference.LossHistory.Count;

        // Cancelled before the start, then from the progress of randomly chosen iterations (seeded):
        // every point is inside the run, whatever the machine's speed.
        var random = new Random(7);
        for (var attempt = 0; attempt < 12; attempt++)
        {
            using var cts = new CancellationTokenSource();
            var stopAt = attempt == 0 ? 0 : random.Next(1, totalIterations + 1);
            if (stopAt == 0)
            {
                cts.Cancel();
            }

            var progress = new SynchronousProgress<StyleTransferProgress>(p =>
            {
                if (p.Iteration == stopAt)
                {
                    cts.Cancel();
                }
            });
            var task = StyleTransfer.RunAsync(options with { OverwriteOutput = true }, progress, cts.Token);

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
            Assert.True(task.IsCanceled, $"attempt {attempt} (iteration {stopAt}): the task should end cancelled, not faulted");
            Assert.Empty(Directory.GetFileSystemEntries(_folder));
        }

        var completed = await StyleTransfer.RunAsync(options with { OverwriteOutput = true });
        Assert.Equal(reference.Image.Pixels.ToArray(), RgbImage.Load(options.OutputPath!).Pixels.ToArray());
        Assert.Equal(reference.Image.Pixels.ToArray(), completed.Image.Pixels.ToArray());
        File.Delete(options.OutputPath!);

        // Cancelling on the last iteration, just before saving, leaves nothing either.
        foreach (var stopAt in new[] { totalIterations })
        {
            using var cts = new CancellationTokenSource();
            var progress = new SynchronousProgress<StyleTransferProgress>(p =>
            {
                if (p.Iteration == stopAt)
                {
                    cts.Cancel();
                }
            });
            var task = StyleTransfer.RunAsync(options, progress, cts.Token);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
            Assert.True(task.IsCanceled);
            Assert.Empty(Directory.GetFileSystemEntries(_folder));
        }

        var after = await StyleTransfer.RunAsync(options);
        Assert.Equal(reference.Image.Pixels.ToArray(), after.Image.Pixels.ToArray());
    }

    [SkippableTheory]
    [InlineData("ContentWeight")]
    [InlineData("StyleWeight")]
    [InlineData("TotalVariationWeight")]
    public async Task Weights_that_overflow_the_loss_end_in_the_divergence_error_and_write_nothing(string weight)
    {
        var output = Path.Combine(_folder, "diverged.png");
        var options = SmallRun() with { OutputPath = output };
        options = weight switch
        {
            "ContentWeight" => options with { ContentWeight = 1e300, Initialization = InitialImage.Noise, Seed = 1 },
            "StyleWeight" => options with { StyleWeight = 1e300 },
            _ => options with { TotalVariationWeight = 1e300 },
        };

        var ex = await Assert.ThrowsAsync<DivergenceException>(() => StyleTransfer.RunAsync(options));

        Assert.Equal(1, ex.Iteration);
        Assert.False(double.IsFinite(ex.Value));
        Assert.False(File.Exists(output));
    }

    [SkippableTheory]
    [InlineData(OptimizerKind.Adam, 1e6)]
    [InlineData(OptimizerKind.Lbfgs, 1e30)]
    public async Task Absurd_learning_rates_still_give_a_valid_image(OptimizerKind optimizer, double learningRate)
    {
        var options = SmallRun() with
        {
            Optimizer = optimizer,
            Adam = new AdamSettings { LearningRate = learningRate },
            Lbfgs = new LbfgsSettings { LearningRate = learningRate },
        };

        // Clamping to [0, 1] after every step keeps the image, and so the loss, finite.
        var result = await StyleTransfer.RunAsync(options);

        Assert.All(result.LossHistory, terms => Assert.True(double.IsFinite(terms.Total)));
        Assert.Equal((32, 24), (result.Image.Width, result.Image.Height));
    }

    [SkippableFact]
    public async Task Fifty_runs_in_one_process_keep_native_memory_flat()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "measures glibc's heap");
        var options = SmallRun() with { Iterations = 2 };
        for (var i = 0; i < 5; i++)
        {
            await StyleTransfer.RunAsync(options); // warm-up: libtorch's pools, JIT, lazily loaded code
        }

        var before = NativeHeap.BytesInUse();
        var residentBefore = NativeHeap.ResidentBytes();
        var liveCounts = new List<long>();
        for (var i = 0; i < 50; i++)
        {
            var progress = new SynchronousProgress<StyleTransferProgress>(p =>
            {
                if (p.Iteration == p.TotalIterations)
                {
                    liveCounts.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
                }
            });
            await StyleTransfer.RunAsync(options, progress);
        }

        var after = NativeHeap.BytesInUse();
        output.WriteLine(
            $"50 runs: C heap in use {before >> 20} MB before, {after >> 20} MB after (resident {residentBefore >> 20} → {NativeHeap.ResidentBytes() >> 20} MB); " +
            $"live tensors at each run's end: {string.Join(", ", liveCounts.Distinct())}.");
        Assert.True(after - before < MemoryMarginBytes, $"the C heap grew from {before >> 20} MB to {after >> 20} MB over 50 runs");
        Assert.Single(liveCounts.Distinct());
    }

    [SkippableFact]
    public async Task A_thousand_iterations_keep_native_memory_and_live_tensors_flat()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "measures glibc's heap");
        var options = SmallRun() with { Iterations = 1000 };
        var live = new Dictionary<int, long>();
        var heap = new Dictionary<int, long>();
        var progress = new SynchronousProgress<StyleTransferProgress>(p =>
        {
            // By 200 iterations L-BFGS's history (100 pairs) is full; from then on nothing may accumulate.
            if (p.Iteration is 200 or 600 or 1000)
            {
                live[p.Iteration] = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
                heap[p.Iteration] = NativeHeap.BytesInUse();
            }
        });

        await StyleTransfer.RunAsync(options, progress);

        output.WriteLine($"1000 iterations: C heap in use {heap[200] >> 20}, {heap[600] >> 20} and {heap[1000] >> 20} MB at 200, 600 and 1000; live tensors {live[200]}, {live[600]}, {live[1000]}.");
        Assert.Equal(live[200], live[600]);
        Assert.Equal(live[200], live[1000]);

        // A leak grows the heap in both halves; the process's other users of the C heap (the runtime,
        // other tests' threads) can add a one-off step in one of them, which is not a leak.
        var growth = Math.Min(heap[600] - heap[200], heap[1000] - heap[600]);
        Assert.True(growth < MemoryMarginBytes / 2, $"the C heap grew by {growth >> 20} MB or more in each 400 iterations");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static StyleTransferOptions SmallRun()
    {
        var images = TestEnvironment.RequireImagesAndWeights();
        return new StyleTransferOptions
        {
            Content = Path.Combine(images, "tubingen.jpg"),
            Styles = [Path.Combine(images, "starry_night.jpg")],
            OutputSize = 32,
            Iterations = 3,
        };
    }
}
