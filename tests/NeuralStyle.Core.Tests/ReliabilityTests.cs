using System.Diagnostics;
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
        // The shortest of two timed runs: the cancellation points below fall inside a run, not after it.
        var runTime = TimeSpan.MaxValue;
        for (var i = 0; i < 2; i++)
        {
            var clock = Stopwatch.StartNew();
            await StyleTransfer.RunAsync(options with { OutputPath = null });
            runTime = clock.Elapsed < runTime ? clock.Elapsed : runTime;
        }

        var random = new Random(7);
        var cancelled = 0;
        var completed = 0;
        for (var attempt = 0; attempt < 12; attempt++)
        {
            using var cts = new CancellationTokenSource();
            var delay = attempt == 0 ? TimeSpan.Zero : runTime * random.NextDouble() * 0.9;
            if (attempt == 0)
            {
                cts.Cancel(); // before the start
            }
            else
            {
                cts.CancelAfter(delay);
            }

            var task = StyleTransfer.RunAsync(options with { OverwriteOutput = true }, null, cts.Token);
            try
            {
                await task;
                completed++;
                Assert.Equal(reference.Image.Pixels.ToArray(), RgbImage.Load(options.OutputPath!).Pixels.ToArray());
                File.Delete(options.OutputPath!);
            }
            catch (OperationCanceledException)
            {
                cancelled++;
                Assert.True(task.IsCanceled, $"attempt {attempt}: the task should end cancelled, not faulted");
            }

            Assert.Empty(Directory.GetFileSystemEntries(_folder));
        }

        // Cancelling from inside the run: mid-iteration (from progress) and on the last iteration, just before saving.
        foreach (var stopAt in new[] { 3, options.Iterations + 4 + 5 })
        {
            using var cts = new CancellationTokenSource();
            var progress = new SynchronousProgress<StyleTransferProgress>(p =>
            {
                if (p.Iteration == Math.Min(stopAt, p.TotalIterations))
                {
                    cts.Cancel();
                }
            });
            var task = StyleTransfer.RunAsync(options, progress, cts.Token);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
            Assert.True(task.IsCanceled);
            Assert.Empty(Directory.GetFileSystemEntries(_folder));
            cancelled++;
        }

        output.WriteLine($"{cancelled} runs cancelled, {completed} completed before their cancellation came.");
        var after = await StyleTransfer.RunAsync(options);
        Assert.Equal(reference.Image.Pixels.ToArray(), after.Image.Pixels.ToArray());
        Assert.True(cancelled >= 6, $"only {cancelled} of the runs were cancelled");
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
        long liveAt200 = 0, liveAt1000 = 0, heapAt200 = 0, heapAt1000 = 0;
        var progress = new SynchronousProgress<StyleTransferProgress>(p =>
        {
            // By 200 iterations L-BFGS's history (100 pairs) is full; from then on nothing may accumulate.
            if (p.Iteration == 200)
            {
                liveAt200 = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
                heapAt200 = NativeHeap.BytesInUse();
            }
            else if (p.Iteration == 1000)
            {
                liveAt1000 = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
                heapAt1000 = NativeHeap.BytesInUse();
            }
        });

        await StyleTransfer.RunAsync(options, progress);

        output.WriteLine($"1000 iterations: C heap in use {heapAt200 >> 20} MB at 200, {heapAt1000 >> 20} MB at 1000; live tensors {liveAt200} and {liveAt1000}.");
        Assert.Equal(liveAt200, liveAt1000);
        Assert.True(heapAt1000 - heapAt200 < MemoryMarginBytes, $"the C heap grew from {heapAt200 >> 20} MB to {heapAt1000 >> 20} MB");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static StyleTransferOptions SmallRun()
    {
        var images = TestEnvironment.RequireImages();
        return new StyleTransferOptions
        {
            Content = Path.Combine(images, "tubingen.jpg"),
            Styles = [Path.Combine(images, "starry_night.jpg")],
            WeightsPath = TestEnvironment.RequireWeights(),
            OutputSize = 32,
            Iterations = 3,
        };
    }
}
