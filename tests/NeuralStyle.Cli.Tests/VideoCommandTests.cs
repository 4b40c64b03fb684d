using NeuralStyle.Video.Tests.Media;

namespace NeuralStyle.Cli.Tests;

/// <summary>
/// <c>neural-style video</c> as a user runs it, on a clip with sound that ffmpeg makes in the test
/// (its test pattern, 128 × 96, 10 frames a second for 0.5 s, stylised at 64 px): the video written
/// with its sound, an interrupted run resumed to the very frames of an uninterrupted one, two shards
/// joined, and the refusals, each in one line.
/// </summary>
public sealed class VideoCommandTests : IDisposable
{
    private readonly Clips _clips = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("neuralstyle-video-cli-").FullName;
    private readonly StringWriter _stdout = new();
    private readonly StringWriter _stderr = new();

    [SkippableFact]
    public async Task A_clip_is_written_with_its_sound_and_an_interrupted_run_resumes_to_the_same_frames()
    {
        var (style, weights) = RealInputs();
        var clip = Clip();
        string[] Video(string name) =>
            ["video", clip, style, "-o", Path.Combine(_folder, name + ".mp4"), "--size", "64", "--iterations-first", "10", "--iterations", "4", "--weights", weights, "--seed", "1", "--keep-frames"];

        var whole = await Run(Video("whole"));
        using var interrupt = new CancellationTokenSource();
        using var interrupted = new CancelOnLine("frame 2/5 done", interrupt);
        var stopped = await CliApp.RunAsync(Video("resumed"), _stdout, interrupted, interrupt.Token);
        var writtenWhenStopped = File.Exists(Path.Combine(_folder, "resumed.mp4"));
        var resumed = await Run(Video("resumed"));

        Assert.True(whole == 0, _stderr.ToString());
        Assert.Contains("frame 5/5 done (4 iterations)", _stderr.ToString());
        Assert.Contains("wrote " + Path.Combine(_folder, "whole.mp4") + " (5 frames, 64×48 at 10 fps", _stderr.ToString());
        Assert.Equal("5", Probe(Path.Combine(_folder, "whole.mp4"), "v:0", "nb_frames"));
        Assert.Equal("aac", Probe(Path.Combine(_folder, "whole.mp4"), "a:0", "codec_name"));
        Assert.True(stopped == 130, interrupted.ToString());
        Assert.Contains("the same command goes on from them", interrupted.ToString());
        Assert.False(writtenWhenStopped, "no video from an interrupted run");
        Assert.Equal(0, resumed);
        Assert.Contains("frame 2/5 done (kept from an earlier run)", _stderr.ToString());
        for (var i = 0; i < 5; i++)
        {
            var name = $"frame-{i:D6}.png";
            Assert.Equal(File.ReadAllBytes(Path.Combine(_folder, "whole.mp4.frames", name)), File.ReadAllBytes(Path.Combine(_folder, "resumed.mp4.frames", name)));
        }
    }

    [SkippableFact]
    public async Task Two_shards_into_one_frames_folder_are_joined_into_the_whole_clip()
    {
        var (style, weights) = RealInputs();
        var clip = Clip();
        var output = Path.Combine(_folder, "joined.mp4");
        var frames = Path.Combine(_folder, "shared-frames");
        string[] Video(params string[] more) =>
            ["video", clip, style, "-o", output, "--size", "64", "--iterations-first", "10", "--iterations", "4", "--weights", weights, "--frames-dir", frames, .. more];

        var second = await Run(Video("--shard", "1/2"));
        var first = await Run(Video("--shard", "0/2"));
        var joined = await Run(Video("--join", "2"));

        Assert.True((first, second, joined) == (0, 0, 0), _stderr.ToString());
        Assert.Contains("shard 1/2 done: 3 frames kept", _stderr.ToString()); // frames 2, 3 and 4 of 5
        Assert.Contains("shard 0/2 done: 2 frames kept", _stderr.ToString());
        Assert.Equal("5", Probe(output, "v:0", "nb_frames"));
        Assert.Equal("aac", Probe(output, "a:0", "codec_name"));
        Assert.False(Directory.Exists(frames), "the kept frames go once the video is written");
    }

    [Fact]
    public async Task A_trained_style_paints_each_frame_in_one_pass_with_the_sound_and_needs_no_vgg_weights()
    {
        var clip = Clip();
        var output = Path.Combine(_folder, "fast.mp4");

        var code = await Run("video", clip, "--model", ShippedStyle(), "-o", output, "--size", "64");

        Assert.True(code == 0, _stderr.ToString());
        Assert.Contains("frame 5/5 done", _stderr.ToString());
        Assert.Equal("5", Probe(output, "v:0", "nb_frames"));
        Assert.Equal("64x48", Probe(output, "v:0", "width") + "x" + Probe(output, "v:0", "height"));
        Assert.Equal("aac", Probe(output, "a:0", "codec_name"));
    }

    [Theory]
    [InlineData("video", "{clip}", "{style}", "--model", "{model}", "-o", "{out}.mp4")]
    [InlineData("video", "{clip}", "--model", "{model}", "-o", "{out}.mp4", "--style-weight", "1")]
    [InlineData("video", "{clip}", "--model", "{model}", "-o", "{out}.mp4", "--blend", "1.5")]
    [InlineData("video", "{clip}", "{style}", "-o", "{out}.mp4", "--blend", "0.5")]
    [InlineData("video", "{clip}", "--model", "{style}", "-o", "{out}.mp4")]
    [InlineData("video", "{clip}", "-o", "{out}.mp4")]
    [InlineData("video", "{clip}", "{style}", "-o", "{out}.avi")]
    [InlineData("video", "{clip}", "{style}", "-o", "{out}.mp4", "--shard", "0/2", "--join", "2")]
    [InlineData("video", "{clip}", "{style}", "-o", "{out}.mp4", "--tile")]
    [InlineData("video", "{clip}", "{style}", "-o", "{out}.mp4", "--from", "1:75")]
    [InlineData("video", "{clip}", "{style}", "-o", "{out}.mp4", "--temporal-weight", "-1")]
    [InlineData("video", "{missing}", "{style}", "-o", "{out}.mp4")]
    [InlineData("video", "{style}", "{style}", "-o", "{out}.mp4")]
    [InlineData("video", "{clip}", "{style}", "-o", "{out}.mp4", "--join", "2")]
    public async Task Refusals_exit_1_with_one_line_and_write_nothing(params string[] template)
    {
        var (style, weights) = RealInputs();
        var clip = Clip();
        var before = Directory.GetFileSystemEntries(_folder).Order().ToArray();
        var args = template.Select(a => a
            .Replace("{clip}", clip).Replace("{style}", style).Replace("{out}", Path.Combine(_folder, "out")).Replace("{model}", ShippedStyle())
            .Replace("{missing}", Path.Combine(_folder, "missing.mp4"))).Append("--weights").Append(weights).ToArray();

        Assert.Equal(1, await Run(args));

        var line = Assert.Single(_stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("neural-style: ", line);
        Assert.Equal(before, Directory.GetFileSystemEntries(_folder).Order().ToArray());
    }

    public void Dispose()
    {
        Directory.Delete(_folder, recursive: true);
        _clips.Dispose();
    }

    private Task<int> Run(params string[] args) => CliApp.RunAsync(args, _stdout, _stderr, CancellationToken.None);

    /// <summary>ffmpeg's moving test pattern with a tone (made by the ffmpeg program itself), 5 frames.</summary>
    private string Clip() => File.Exists(Path.Combine(_clips.Folder, "clip.mp4")) ? Path.Combine(_clips.Folder, "clip.mp4") : _clips.WithSound("clip.mp4", "128x96", 10, 0.5);

    /// <summary>A trained style shipped in the repository (styles/).</summary>
    private static string ShippedStyle()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "NeuralStyle.sln")))
            {
                return Path.Combine(folder.FullName, "styles", "starry-night.onnx");
            }
        }

        throw new InvalidOperationException("The repository root (NeuralStyle.sln) is not above the test's folder.");
    }

    private static string Probe(string path, string stream, string entry) => Clips.Probe(path, stream, entry);

    private static (string Style, string Weights) RealInputs()
    {
        var images = Environment.GetEnvironmentVariable("NEURALSTYLE_TEST_IMAGES");
        var weights = Environment.GetEnvironmentVariable("NEURALSTYLE_VGG19_WEIGHTS");
        Skip.If(string.IsNullOrEmpty(images) || string.IsNullOrEmpty(weights), "NEURALSTYLE_TEST_IMAGES and NEURALSTYLE_VGG19_WEIGHTS must be set (.ci/run sets them).");
        return (Path.Combine(images!, "starry_night.jpg"), weights!);
    }
}
