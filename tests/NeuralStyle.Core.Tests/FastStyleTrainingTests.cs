using NeuralStyle.Imaging;

namespace NeuralStyle.Core.Tests;

/// <summary>Training a fast-style network: a resumed run ends where an uninterrupted one does, bad photos are skipped with a reason, a checkpoint is not taken over unasked, and crops are drawn reproducibly.</summary>
public sealed class FastStyleTrainingTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("neuralstyle-training-").FullName;

    [SkippableFact]
    public void A_run_interrupted_and_resumed_from_its_checkpoint_ends_with_the_uninterrupted_networks_weights()
    {
        TestEnvironment.RequireWeights();
        var photos = Photos();
        var options = Options(photos) with { CheckpointFolder = null };

        using var uninterrupted = FastStyleTraining.Train(SharedExtractor.Get(), options, Style, [], null, null, CancellationToken.None);

        using var stop = new CancellationTokenSource();
        var resumable = options with { CheckpointFolder = Path.Combine(_folder, "checkpoint"), CheckpointInterval = 3, ResumeFromCheckpoint = true };
        Assert.Throws<OperationCanceledException>(() => FastStyleTraining.Train(SharedExtractor.Get(), resumable, Style, [], p => { if (p.Step == 3) { stop.Cancel(); } }, null, stop.Token));
        var resumedSteps = new List<int>();
        using var resumed = FastStyleTraining.Train(SharedExtractor.Get(), resumable, Style, [], p => resumedSteps.Add(p.Step), null, CancellationToken.None);

        Assert.Equal([4, 5, 6], resumedSteps);
        var expected = uninterrupted.parameters().Select(p => p.data<float>().ToArray()).ToArray();
        var actual = resumed.parameters().Select(p => p.data<float>().ToArray()).ToArray();
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i]);
        }
    }

    [SkippableFact]
    public void A_folder_that_holds_a_checkpoint_is_not_taken_over_unless_resuming_is_asked_for()
    {
        TestEnvironment.RequireWeights();
        var skipped = new List<string>();
        var options = Options(Photos()) with { Steps = 1, CheckpointFolder = Path.Combine(_folder, "checkpoint"), CheckpointInterval = 1 };
        using (FastStyleTraining.Train(SharedExtractor.Get(), options, Style, [], null, (path, _) => skipped.Add(Path.GetFileName(path)), CancellationToken.None))
        {
        }

        var error = Assert.Throws<CheckpointException>(() => FastStyleTraining.Train(SharedExtractor.Get(), options with { Steps = 3 }, Style, [], null, null, CancellationToken.None));

        Assert.Contains("holds a training checkpoint at step 1; resume it (ResumeFromCheckpoint, --resume)", error.Message);
        Assert.Equal(["broken.png", "tiny.png"], skipped.Order());
    }

    [Fact]
    public void A_steps_crops_are_the_same_whenever_they_are_drawn_and_differ_between_steps()
    {
        var photos = new[] { Gradient(80, 60), Gradient(64, 96) };
        var options = new StyleTrainingOptions { Style = Gradient(32, 32), Photos = [], CropSize = 32, BatchSize = 2, Seed = 7 };
        using var scope = TorchSharp.torch.NewDisposeScope();

        var first = FastStyleTraining.Crops(photos, options, 5);
        var again = FastStyleTraining.Crops(photos, options, 5);
        var next = FastStyleTraining.Crops(photos, options, 6);

        Assert.Equal([2L, 3, 32, 32], first.shape);
        Assert.Equal(first.data<float>().ToArray(), again.data<float>().ToArray());
        Assert.NotEqual(first.data<float>().ToArray(), next.data<float>().ToArray());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly RgbImage Style = Gradient(48, 40);

    private static StyleTrainingOptions Options(IReadOnlyList<string> photos) => new()
    {
        Style = Style,
        Photos = photos,
        Width = 32,
        CropSize = 32,
        Steps = 6,
        Seed = 3,
    };

    /// <summary>Three usable photos, one too small for a crop and one that is not an image.</summary>
    private List<string> Photos()
    {
        var paths = new List<string>();
        foreach (var (name, width, height) in new[] { ("a.png", 64, 48), ("b.png", 40, 72), ("c.png", 96, 96), ("tiny.png", 20, 20) })
        {
            var path = Path.Combine(_folder, name);
            Gradient(width, height).Save(path);
            paths.Add(path);
        }

        var broken = Path.Combine(_folder, "broken.png");
        File.WriteAllText(broken, "not an image");
        paths.Add(broken);
        return paths;
    }

    private static RgbImage Gradient(int width, int height)
    {
        var pixels = new byte[width * height * 3];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)((i * 37 / 3) + (i % 3 * 80));
        }

        return new RgbImage(width, height, pixels);
    }
}
