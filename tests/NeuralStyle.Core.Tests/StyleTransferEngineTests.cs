using Microsoft.Extensions.Logging;
using NeuralStyle.Imaging;

namespace NeuralStyle.Core.Tests;

/// <summary>One engine, many runs: the network loaded once, runs bounded, results streamed.</summary>
public sealed class StyleTransferEngineTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("neuralstyle-engine-").FullName;

    [SkippableFact]
    public async Task Runs_on_one_engine_give_the_images_of_separate_runs_and_load_the_network_once()
    {
        var logger = new ListLogger<StyleTransferEngine>(LogLevel.Information);
        await using var engine = new StyleTransferEngine(new StyleTransferEngineOptions { WeightsPath = TestEnvironment.RequireWeights() }, logger);
        var first = Options(OutputSize: 32, Iterations: 3);
        var second = first with { Styles = [Path.Combine(TestEnvironment.RequireImages(), "the_scream.jpg")] };

        var onEngine = new[] { await engine.RunAsync(first), await engine.RunAsync(second), await engine.RunAsync(first) };
        var weights = new StyleTransferEngineOptions { WeightsPath = TestEnvironment.WeightsPath };
        var alone = new[] { await StyleTransfer.RunAsync(first, weights), await StyleTransfer.RunAsync(second, weights) };

        Assert.Equal(alone[0].Image.Pixels.ToArray(), onEngine[0].Image.Pixels.ToArray());
        Assert.Equal(alone[1].Image.Pixels.ToArray(), onEngine[1].Image.Pixels.ToArray());
        Assert.Equal(alone[0].Image.Pixels.ToArray(), onEngine[2].Image.Pixels.ToArray());
        Assert.Single(logger.Entries, e => e.Message.StartsWith("Loaded VGG19", StringComparison.Ordinal));
        Assert.Equal(3, logger.Entries.Count(e => e.Message.StartsWith("Style transfer finished", StringComparison.Ordinal)));
        Assert.All(logger.Entries, e => Assert.DoesNotContain("Iteration", e.Message)); // nothing per iteration at Information
    }

    [SkippableFact]
    public async Task With_one_slot_concurrent_runs_compute_one_after_the_other()
    {
        await using var engine = new StyleTransferEngine(new StyleTransferEngineOptions { WeightsPath = TestEnvironment.RequireWeights(), MaxConcurrentRuns = 1 });
        var order = new List<string>();
        var running = new List<int>();
        IProgress<StyleTransferProgress> Record(string run) => new SynchronousProgress<StyleTransferProgress>(p =>
        {
            lock (order)
            {
                order.Add(run);
                running.Add(engine.RunningCount);
            }
        });

        await Task.WhenAll(
            engine.RunAsync(Options(OutputSize: 32, Iterations: 4), Record("a")),
            engine.RunAsync(Options(OutputSize: 32, Iterations: 4), Record("b")),
            engine.RunAsync(Options(OutputSize: 32, Iterations: 4), Record("c")));

        // Each run's iterations form one block: no run computed while another held the slot.
        var blocks = order.Where((run, i) => i == 0 || order[i - 1] != run).ToArray();
        Assert.Equal(3, blocks.Length);
        Assert.Equal(["a", "b", "c"], blocks.Order());
        Assert.All(running, count => Assert.Equal(1, count));
    }

    [SkippableFact]
    public async Task Streaming_brings_previews_every_n_iterations_and_ends_with_the_result()
    {
        await using var engine = new StyleTransferEngine(new StyleTransferEngineOptions { WeightsPath = TestEnvironment.RequireWeights() });
        var options = Options(OutputSize: 48, Iterations: 6) with { StartSize = 48 };
        var updates = new List<StyleTransferUpdate>();

        await foreach (var update in engine.RunStreamingAsync(options, previewInterval: 2))
        {
            updates.Add(update);
        }

        var final = updates[^1];
        Assert.True(final.IsFinal);
        Assert.Equal(6, final.Result!.LossHistory.Count);
        Assert.Single(updates, u => u.IsFinal);

        // A consumer that falls behind gets the latest updates, not all: the buffer keeps the newest
        // four. So the updates come in order, the last four iterations are always among them, and
        // each one of an even iteration, and only those, carries a preview.
        var progress = updates[..^1].Select(u => u.Progress.Iteration).ToArray();
        Assert.Equal(progress.Distinct().Order(), progress);
        Assert.Equal([3, 4, 5, 6], progress[^StyleTransferEngine.StreamBuffer..]);
        Assert.All(updates[..^1], u => Assert.Equal(u.Progress.Iteration % 2 == 0, u.Preview is not null));
        Assert.All(updates.Where(u => u.Preview is not null), u => Assert.Equal((48, 36), (u.Preview!.Width, u.Preview.Height)));
    }

    [SkippableFact]
    public async Task A_consumer_that_reads_nothing_for_a_while_holds_the_run_up_not_and_gets_the_latest_updates()
    {
        await using var engine = new StyleTransferEngine(new StyleTransferEngineOptions { WeightsPath = TestEnvironment.RequireWeights() });
        var options = Options(OutputSize: 32, Iterations: 30) with { StartSize = 32 };
        var updates = new List<StyleTransferUpdate>();

        await using (var enumerator = engine.RunStreamingAsync(options, previewInterval: 1).GetAsyncEnumerator())
        {
            Assert.True(await enumerator.MoveNextAsync());
            updates.Add(enumerator.Current);

            // Read nothing until the run has finished all 30 iterations without us.
            while (engine.RunningCount > 0)
            {
                await Task.Delay(20);
            }

            while (await enumerator.MoveNextAsync())
            {
                updates.Add(enumerator.Current);
            }
        }

        Assert.True(updates[^1].IsFinal);
        Assert.Equal(30, updates[^1].Result!.LossHistory.Count);
        Assert.True(updates.Count <= 1 + StyleTransferEngine.StreamBuffer + 1, $"{updates.Count} updates were kept for a slow consumer");
        Assert.Equal(30, updates[^2].Progress.Iteration); // the latest ones are the ones kept
    }

    [SkippableFact]
    public async Task Breaking_out_of_a_stream_cancels_the_run_and_writes_nothing()
    {
        await using var engine = new StyleTransferEngine(new StyleTransferEngineOptions { WeightsPath = TestEnvironment.RequireWeights() });
        var output = Path.Combine(_folder, "out.png");
        var options = Options(OutputSize: 32, Iterations: 100_000) with { StartSize = 32, OutputPath = output };

        await foreach (var update in engine.RunStreamingAsync(options, previewInterval: 0))
        {
            if (update.Progress.Iteration == 3)
            {
                break;
            }
        }

        Assert.Equal(0, engine.RunningCount);
        Assert.Empty(Directory.GetFileSystemEntries(_folder));
        var next = await engine.RunAsync(Options(OutputSize: 32, Iterations: 2));
        Assert.Equal(2, next.LossHistory.Count);
    }

    [SkippableFact]
    public async Task Bad_streaming_or_engine_settings_are_refused_before_any_work()
    {
        await using var engine = new StyleTransferEngine(new StyleTransferEngineOptions { WeightsPath = TestEnvironment.RequireWeights() });

        Assert.Throws<ArgumentOutOfRangeException>(() => engine.RunStreamingAsync(Options(32, 1), previewInterval: -1));
        Assert.Equal("MaxConcurrentRuns", Assert.Throws<ArgumentOutOfRangeException>(() => new StyleTransferEngineOptions { MaxConcurrentRuns = 0 }).ParamName);
    }

    [SkippableFact]
    public async Task A_disposed_engine_refuses_runs_and_dispose_waits_for_the_run_in_flight()
    {
        var engine = new StyleTransferEngine(new StyleTransferEngineOptions { WeightsPath = TestEnvironment.RequireWeights() });
        var started = new TaskCompletionSource();
        var run = engine.RunAsync(Options(OutputSize: 32, Iterations: 5), new SynchronousProgress<StyleTransferProgress>(_ => started.TrySetResult()));
        await started.Task;

        await engine.DisposeAsync();

        Assert.True(run.IsCompletedSuccessfully, "dispose returned before the run in flight had finished");
        Assert.Throws<ObjectDisposedException>(() => Start(engine, Options(32, 1)));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Starts a run and drops the task: a synchronous throw (argument validation) surfaces here.</summary>
    private static void Start(StyleTransferEngine engine, StyleTransferOptions options) => _ = engine.RunAsync(options);

    private static StyleTransferOptions Options(int OutputSize, int Iterations)
    {
        var images = TestEnvironment.RequireImages();
        return new StyleTransferOptions
        {
            Content = Path.Combine(images, "tubingen.jpg"),
            Styles = [Path.Combine(images, "starry_night.jpg")],
            OutputSize = OutputSize,
            Iterations = Iterations,
        };
    }
}
