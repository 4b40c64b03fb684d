using NeuralStyle.Imaging;

namespace NeuralStyle.Cli.Tests;

/// <summary>
/// <c>neural-style train</c> then <c>neural-style apply</c>, as a user runs them: a tiny network
/// trained for a step on 64 px crops of made-up photos, written as a trained style, applied to
/// a real photo at the photo's size; an interrupted training resumed to the very model an
/// uninterrupted one writes; and the refusals, each in one line.
/// </summary>
public sealed class TrainApplyTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("neuralstyle-train-").FullName;
    private readonly StringWriter _stdout = new();
    private readonly StringWriter _stderr = new();

    [SkippableFact]
    public async Task A_trained_style_is_written_and_applied_to_photos_at_their_own_size()
    {
        var (images, weights) = RealInputs();
        var model = Path.Combine(_folder, "style.onnx");

        var trained = await Run("train", Path.Combine(images, "starry_night.jpg"), "--photos", Photos(), "-o", model, "--steps", "1", "--crop-size", "64", "--weights", weights,
            "--preview", Path.Combine(images, "chicago.jpg"), "--preview-every", "1");
        var single = await Run("apply", model, Path.Combine(images, "tubingen.jpg"), "-o", Path.Combine(_folder, "tubingen.png"));
        var several = await Run("apply", model, Path.Combine(images, "chicago.jpg"), Path.Combine(images, "stata.jpg"), "-o", Path.Combine(_folder, "many"));

        Assert.Equal([0, 0, 0], new[] { trained, single, several });
        Assert.Contains($"skipped {Path.Combine(_folder, "photos", "broken.png")}: it is not an image", _stderr.ToString());
        Assert.Contains("step 1/1: loss ", _stderr.ToString());
        var photo = RgbImage.Load(Path.Combine(images, "tubingen.jpg"));
        var result = RgbImage.Load(Path.Combine(_folder, "tubingen.png"));
        Assert.Equal((photo.Width, photo.Height), (result.Width, result.Height));
        Assert.Equal(["chicago.png", "stata.png"], Directory.GetFiles(Path.Combine(_folder, "many")).Select(Path.GetFileName).Order());
        var preview = RgbImage.Load(Path.Combine(_folder, "style.previews", "chicago-step00001.png"));
        Assert.Equal((512, 340), (preview.Width, preview.Height)); // chicago is 712 × 474: 512 × 341 at most 512 px, trimmed to multiples of 4
    }

    [SkippableFact]
    public async Task An_interrupted_training_resumed_writes_the_model_an_uninterrupted_one_writes()
    {
        var (images, weights) = RealInputs();
        var style = Path.Combine(images, "starry_night.jpg");
        var photos = Photos();
        string[] Training(string name) =>
            ["train", style, "--photos", photos, "-o", Path.Combine(_folder, name + ".onnx"), "--steps", "20", "--crop-size", "64", "--weights", weights,
             "--checkpoint-dir", Path.Combine(_folder, name + ".ckpt"), "--checkpoint-every", "5"];

        var whole = await Run(Training("whole"));
        using var interrupt = new CancellationTokenSource();
        using var interrupted = new CancelOnLine("step 10/20", interrupt);
        var stopped = await CliApp.RunAsync(Training("resumed"), _stdout, interrupted, interrupt.Token);
        var refused = await Run(Training("resumed"));
        var resumed = await Run([.. Training("resumed"), "--resume"]);

        Assert.True(whole == 0, _stderr.ToString());
        Assert.True(stopped == 130, interrupted.ToString());
        Assert.Contains("the same command with --resume continues from the last checkpoint", interrupted.ToString());
        Assert.Equal(1, refused);
        Assert.Contains("holds a training checkpoint at step 10; resume it", _stderr.ToString());
        Assert.Equal(0, resumed);
        Assert.DoesNotContain("step 10/20", _stderr.ToString().Split("holds a training checkpoint")[1]);
        Assert.Equal(File.ReadAllBytes(Path.Combine(_folder, "whole.onnx")), File.ReadAllBytes(Path.Combine(_folder, "resumed.onnx")));
    }

    [Theory]
    [InlineData("apply", "{model}", "{photo}", "-o", "{out}", "--size", "256")]
    [InlineData("apply", "{photo}", "{photo}", "-o", "{out}")]
    [InlineData("apply", "{model}", "{photo}", "-o", "{photo}")]
    [InlineData("apply", "{model}", "{photo}", "{photo}", "-o", "{out}-folder")]
    [InlineData("train", "{photo}", "--photos", "{missing}", "-o", "{out}.onnx")]
    [InlineData("train", "{photo}", "--photos", "{folder}", "-o", "{out}")]
    [InlineData("train", "{photo}", "--photos", "{folder}", "-o", "{out}.onnx", "--iterations", "5")]
    [InlineData("train", "{photo}", "--photos", "{folder}", "-o", "{out}.onnx", "--preview-every", "5")]
    public async Task Refusals_exit_1_with_one_line_and_write_nothing(params string[] template)
    {
        var photo = Path.Combine(_folder, "photo.png");
        new RgbImage(8, 8, new byte[8 * 8 * 3]).Save(photo);
        var model = Path.Combine(_folder, "model.onnx");
        File.WriteAllText(model, "not a model");
        var before = Directory.GetFileSystemEntries(_folder).Order().ToArray();
        var args = template.Select(a => a
            .Replace("{model}", model).Replace("{photo}", photo).Replace("{out}", Path.Combine(_folder, "out.png"))
            .Replace("{missing}", Path.Combine(_folder, "missing")).Replace("{folder}", _folder)).ToArray();

        Assert.Equal(1, await Run(args));

        var line = Assert.Single(_stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("neural-style: ", line);
        Assert.Equal(before, Directory.GetFileSystemEntries(_folder).Order().ToArray());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private Task<int> Run(params string[] args) => CliApp.RunAsync(args, _stdout, _stderr, CancellationToken.None);

    /// <summary>Three made-up photos of smooth colour (the shared photos are never trained on) and one file that is not an image.</summary>
    private string Photos()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_folder, "photos")).FullName;
        for (var n = 0; n < 3; n++)
        {
            var (width, height) = (96 + (16 * n), 80);
            var pixels = new byte[width * height * 3];
            for (var y = 0; y < height; y++)
            {
                for (var x = 0; x < width; x++)
                {
                    var i = ((y * width) + x) * 3;
                    (pixels[i], pixels[i + 1], pixels[i + 2]) = ((byte)(x * 2 + n * 40), (byte)(y * 3), (byte)((x + y) * (n + 1)));
                }
            }

            new RgbImage(width, height, pixels).Save(Path.Combine(folder, $"photo{n}.png"));
        }

        File.WriteAllText(Path.Combine(folder, "broken.png"), "not an image");
        return folder;
    }

    private static (string Images, string Weights) RealInputs()
    {
        var images = Environment.GetEnvironmentVariable("NEURALSTYLE_TEST_IMAGES");
        var weights = Environment.GetEnvironmentVariable("NEURALSTYLE_VGG19_WEIGHTS");
        Skip.If(string.IsNullOrEmpty(images) || string.IsNullOrEmpty(weights), "NEURALSTYLE_TEST_IMAGES and NEURALSTYLE_VGG19_WEIGHTS must be set (.ci/run sets them).");
        return (images!, weights!);
    }
}
