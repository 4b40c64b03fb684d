using NeuralStyle.Imaging;

namespace NeuralStyle.Core.Tests;

/// <summary>A run interrupted and resumed from its checkpoint ends as one that was never interrupted.</summary>
public sealed class CheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("neuralstyle-checkpoint-").FullName;

    // Checkpoints every 3 iterations, except at a scale's last iteration (5, 9 and 13 here); a run
    // cancelled from the progress of iteration n stops after that iteration's checkpoint.
    [SkippableTheory]
    [InlineData(OptimizerKind.Lbfgs, 0.0, 7, 7)]   // in the second scale: the checkpoint of iteration 6
    [InlineData(OptimizerKind.Lbfgs, 0.0, 3, 4)]   // in the first scale, at a checkpoint
    [InlineData(OptimizerKind.Adam, 0.0, 11, 7)]   // in the last scale: 9 ends a scale, so 6
    [InlineData(OptimizerKind.Lbfgs, 0.5, 12, 13)] // with iterate averaging, in the last scale
    [InlineData(OptimizerKind.Lbfgs, 0.0, 7, 7, 2)]   // Adam takes over after 2 iterations of a scale: at 8, after the checkpoint of 6
    [InlineData(OptimizerKind.Lbfgs, 0.0, 13, 13, 2)] // ... and at 12, the checkpoint's own iteration
    [InlineData(OptimizerKind.Lbfgs, 0.0, 7, 7, null, StyleStatistic.Wasserstein)]
    [InlineData(OptimizerKind.Lbfgs, 0.0, 7, 7, null, StyleStatistic.SlicedWasserstein)] // its directions, drawn per evaluation, come back too
    [InlineData(OptimizerKind.Lbfgs, 0.0, 7, 7, null, StyleStatistic.Gram, LossNormalization.All)] // scaled losses are plain functions of the image
    public async Task A_run_cancelled_and_resumed_ends_with_the_uninterrupted_image_bit_for_bit(
        OptimizerKind optimizer, double averaging, int stopAt, int resumesAt, int? adamAfter = null, StyleStatistic statistic = StyleStatistic.Gram, LossNormalization normalization = LossNormalization.None)
    {
        var checkpoint = Path.Combine(_folder, "run.checkpoint");
        var options = Options() with { Optimizer = optimizer, AveragingDecay = averaging, Lbfgs = new LbfgsSettings { SwitchToAdamAfter = adamAfter }, StyleStatistic = statistic, LossNormalization = normalization };
        if (normalization != LossNormalization.None)
        {
            options = options with { StyleWeight = 1e3 }; // far above the threshold below which scaled terms leave the photo as it is
        }

        var uninterrupted = await StyleTransfer.RunAsync(options);

        using var cts = new CancellationTokenSource();
        var interrupted = options with { CheckpointPath = checkpoint, CheckpointInterval = 3 };
        var stop = new SynchronousProgress<StyleTransferProgress>(p =>
        {
            if (p.Iteration == stopAt)
            {
                cts.Cancel();
            }
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => StyleTransfer.RunAsync(interrupted, stop, cts.Token));
        Assert.True(File.Exists(checkpoint));

        var resumedIterations = new List<int>();
        var resumed = await StyleTransfer.RunAsync(interrupted with { ResumeFrom = checkpoint }, new SynchronousProgress<StyleTransferProgress>(p => resumedIterations.Add(p.Iteration)));

        Assert.Equal(uninterrupted.Image.Pixels.ToArray(), resumed.Image.Pixels.ToArray());
        Assert.Equal(uninterrupted.LossHistory, resumed.LossHistory);
        Assert.Equal(uninterrupted.FinalLosses, resumed.FinalLosses);
        Assert.Equal(resumesAt, resumedIterations[0]); // from the last checkpoint, not from the start
        Assert.Equal(uninterrupted.LossHistory.Count, resumedIterations[^1]);
    }

    [SkippableFact]
    public async Task A_checkpoint_keeps_the_seed_of_the_run_that_wrote_it()
    {
        var checkpoint = Path.Combine(_folder, "noise.checkpoint");
        var options = Options() with { Initialization = InitialImage.Noise, CheckpointPath = checkpoint, CheckpointInterval = 2 };
        using var cts = new CancellationTokenSource();
        var stop = new SynchronousProgress<StyleTransferProgress>(p =>
        {
            if (p.Iteration == 5)
            {
                cts.Cancel();
            }
        });
        var first = StyleTransfer.RunAsync(options with { Seed = 4242 }, stop, cts.Token);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);

        var resumed = await StyleTransfer.RunAsync(options with { ResumeFrom = checkpoint });
        var uninterrupted = await StyleTransfer.RunAsync(options with { Seed = 4242, CheckpointPath = null });

        Assert.Equal(4242, resumed.Seed);
        Assert.Equal(uninterrupted.Image.Pixels.ToArray(), resumed.Image.Pixels.ToArray());
    }

    [SkippableFact]
    public async Task A_checkpoint_of_other_options_or_a_damaged_one_is_refused_before_any_work()
    {
        var checkpoint = Path.Combine(_folder, "run.checkpoint");
        var options = Options() with { CheckpointPath = checkpoint, CheckpointInterval = 2 };
        await StyleTransfer.RunAsync(options);
        var progress = new List<int>();
        var report = new SynchronousProgress<StyleTransferProgress>(p => progress.Add(p.Iteration));

        var otherWeights = await Assert.ThrowsAsync<CheckpointException>(() => StyleTransfer.RunAsync(options with { StyleWeight = 0.02, ResumeFrom = checkpoint }, report));
        var otherStyle = await Assert.ThrowsAsync<CheckpointException>(() =>
            StyleTransfer.RunAsync(options with { Styles = [Path.Combine(TestEnvironment.RequireImages(), "wave.jpg")], ResumeFrom = checkpoint }, report));
        var damaged = Path.Combine(_folder, "damaged.checkpoint");
        File.WriteAllBytes(damaged, File.ReadAllBytes(checkpoint)[..^100]);
        var cut = await Assert.ThrowsAsync<CheckpointException>(() => StyleTransfer.RunAsync(options with { ResumeFrom = damaged, CheckpointPath = damaged }, report));
        var notOne = Path.Combine(_folder, "not.checkpoint");
        File.WriteAllText(notOne, "hello");
        var foreign = await Assert.ThrowsAsync<CheckpointException>(() => StyleTransfer.RunAsync(options with { ResumeFrom = notOne, CheckpointPath = notOne }, report));

        Assert.Contains("other options or images", otherWeights.Message);
        Assert.Contains("other options or images", otherStyle.Message);
        Assert.Contains("damaged", cut.Message);
        Assert.Contains("not a NeuralStyle checkpoint", foreign.Message);
        Assert.All(new[] { otherWeights, otherStyle, cut, foreign }, ex => Assert.DoesNotContain('\n', ex.Message));
        Assert.Empty(progress);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Three scales, 32, 45 and 48 px, with round(4·√(48/s)) = 5, 4 and 4 iterations.</summary>
    private static StyleTransferOptions Options()
    {
        var images = TestEnvironment.RequireImagesAndWeights();
        return new StyleTransferOptions
        {
            Content = Path.Combine(images, "tubingen.jpg"),
            Styles = [Path.Combine(images, "starry_night.jpg")],
            OutputSize = 48,
            StartSize = 32,
            Iterations = 4,
        };
    }
}
