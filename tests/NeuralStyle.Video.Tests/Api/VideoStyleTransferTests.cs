using System.Collections.Concurrent;
using NeuralStyle.Imaging;
using NeuralStyle.Video.Tests.Media;

namespace NeuralStyle.Video.Tests.Api;

/// <summary>
/// The public API on real files made by ffmpeg itself: a 4-frame clip with sound (10 frames a second
/// for 0.4 s) stylised at 64 px, whole or in two shards joined afterwards, with its progress, and
/// the failures that must leave nothing behind.
/// </summary>
public sealed class VideoStyleTransferTests : IDisposable
{
    private const int LaterIterations = 4;
    private readonly Clips _clips = new();

    [SkippableFact]
    public async Task A_clip_becomes_a_video_of_as_many_frames_with_its_sound_and_the_kept_frames_go()
    {
        var (engine, options) = Engine();
        await using var _ = engine;
        var file = new VideoFileOptions { Input = _clips.WithSound("clip.mp4", "128x96", 10, 0.4), OutputPath = Path.Combine(_clips.Folder, "styled.mp4") };
        var reports = new ConcurrentQueue<VideoProgress>();

        var result = await VideoStyleTransfer.RunAsync(engine, file, options, new CallbackProgress(reports.Enqueue));

        Assert.Equal((file.OutputPath, 4, 4, 64, 48), (result.OutputPath, result.FramesKept, result.FramesComputed, result.Width, result.Height));
        Assert.Equal("4", Clips.Probe(file.OutputPath, "v:0", "nb_frames"));
        Assert.Equal("64x48", Clips.Probe(file.OutputPath, "v:0", "width") + "x" + Clips.Probe(file.OutputPath, "v:0", "height"));
        Assert.Equal("aac", Clips.Probe(file.OutputPath, "a:0", "codec_name"));
        Assert.False(Directory.Exists(file.OutputPath + ".frames"), "the kept frames are removed once the video is written");

        Assert.Equal([0, 1, 2, 3], reports.Where(r => r.FinishedFrame is not null).Select(r => r.Frame));
        Assert.All(reports.Where(r => r.FinishedFrame is null && r.Frame > 0), r => Assert.Equal(LaterIterations, r.Iterations)); // later frames start warm
        Assert.All(reports, r => Assert.Equal(4, r.FrameCount));
        Assert.All(reports.Where(r => r.Frame > 0), r => Assert.NotNull(r.EstimatedRemaining));
    }

    [SkippableFact]
    public async Task Two_shards_keep_their_halves_warm_and_the_join_waits_for_both_then_writes_the_clip()
    {
        var (engine, options) = Engine();
        await using var _ = engine;
        var input = _clips.WithSound("clip.mp4", "128x96", 10, 0.4);
        var file = new VideoFileOptions { Input = input, OutputPath = Path.Combine(_clips.Folder, "joined.mp4") };
        var reports = new ConcurrentQueue<VideoProgress>();

        var second = await VideoStyleTransfer.RunAsync(engine, file with { Shard = new VideoShard(1, 2) }, options, new CallbackProgress(reports.Enqueue));
        var early = await Assert.ThrowsAsync<VideoException>(() => VideoStyleTransfer.JoinAsync(file, 2));
        Assert.False(File.Exists(file.OutputPath), "no video before every shard is done");
        var first = await VideoStyleTransfer.RunAsync(engine, file with { Shard = new VideoShard(0, 2) }, options);
        var tails = Enumerable.Range(0, 5).Where(i => File.Exists(Path.Combine(file.OutputPath + ".frames", $"tail-{i:D6}.png"))).ToArray();
        var joined = await VideoStyleTransfer.JoinAsync(file, 2);

        Assert.Equal((null, 2), (second.OutputPath, second.FramesKept));
        Assert.Equal([2, 3], reports.Where(r => r.FinishedFrame is not null).Select(r => r.Frame)); // frames 0 and 1 are its lead-in, not kept
        Assert.Equal(LaterIterations, reports.First(r => r.Frame == 2).Iterations); // so its first frame starts warm
        Assert.Contains("0/2", early.Message);
        Assert.Equal(2, first.FramesKept);
        Assert.Equal([2, 3], tails); // shard 0 goes on past its end for the join to fade from (the clip ends at frame 3)
        Assert.Equal(4, joined.FramesKept);
        Assert.Equal("4", Clips.Probe(file.OutputPath, "v:0", "nb_frames"));
        Assert.Equal("aac", Clips.Probe(file.OutputPath, "a:0", "codec_name"));
        Assert.False(Directory.Exists(file.OutputPath + ".frames"));
    }

    [SkippableFact]
    public async Task A_file_that_is_not_a_video_an_empty_clip_and_a_start_past_the_end_fail_in_one_line_and_write_nothing()
    {
        var (engine, options) = Engine();
        await using var _ = engine;
        var notes = Path.Combine(_clips.Folder, "notes.mp4");
        await File.WriteAllTextAsync(notes, "not a video");
        var empty = Path.Combine(_clips.Folder, "empty.mp4");
        await File.WriteAllBytesAsync(empty, []);
        var clip = _clips.WithSound("clip.mp4", "128x96", 10, 0.4);
        var output = Path.Combine(_clips.Folder, "out.mp4");

        foreach (var file in new[]
        {
            new VideoFileOptions { Input = notes, OutputPath = output },
            new VideoFileOptions { Input = empty, OutputPath = output },
            new VideoFileOptions { Input = clip, OutputPath = output, From = TimeSpan.FromSeconds(5) },
        })
        {
            var ex = await Assert.ThrowsAsync<VideoException>(() => VideoStyleTransfer.RunAsync(engine, file, options));

            Assert.DoesNotContain('\n', ex.Message);
            Assert.Contains(Path.GetFileName(file.Input), ex.Message);
            Assert.False(File.Exists(output));
            Assert.False(Directory.Exists(output + ".frames"));
        }
    }

    [SkippableFact]
    public async Task Without_ffmpeg_or_with_an_existing_output_the_run_is_refused_before_any_work()
    {
        var (engine, options) = Engine();
        await using var _ = engine;
        var clip = _clips.WithSound("clip.mp4", "128x96", 10, 0.4);
        var existing = Path.Combine(_clips.Folder, "existing.mp4");
        await File.WriteAllTextAsync(existing, "mine");
        var reports = new ConcurrentQueue<VideoProgress>();
        var noFfmpeg = new VideoFileOptions { Input = clip, OutputPath = Path.Combine(_clips.Folder, "out.mp4"), FfmpegFolder = Directory.CreateDirectory(Path.Combine(_clips.Folder, "bin")).FullName };

        var missing = await Assert.ThrowsAsync<VideoException>(() => VideoStyleTransfer.RunAsync(engine, noFfmpeg, options, new CallbackProgress(reports.Enqueue)));
        var exists = await Assert.ThrowsAsync<VideoException>(() => VideoStyleTransfer.RunAsync(engine, new VideoFileOptions { Input = clip, OutputPath = existing }, options, new CallbackProgress(reports.Enqueue)));

        Assert.Contains("apt-get install ffmpeg", missing.Message);
        Assert.Contains("existing.mp4", exists.Message);
        Assert.Equal("mine", await File.ReadAllTextAsync(existing));
        Assert.Empty(reports);
        Assert.False(Directory.Exists(noFfmpeg.OutputPath + ".frames"));
        Assert.False(Directory.Exists(existing + ".frames"));
    }

    [Fact]
    public void Options_that_a_video_sets_itself_are_refused_with_their_names()
    {
        using var engine = new StyleTransferEngine();
        var frames = AsyncFrames();
        foreach (var (still, name) in new (StyleTransferOptions, string)[]
        {
            (new() { Styles = ["style.jpg"], Content = "photo.jpg" }, "Content"),
            (new() { Styles = ["style.jpg"], OutputPath = "out.png" }, "OutputPath"),
            (new() { Styles = ["style.jpg"], CheckpointPath = "run.ckpt" }, "CheckpointPath"),
            (new() { Styles = ["style.jpg"], Tiling = true }, "Tiling"),
        })
        {
            var ex = Assert.Throws<ArgumentException>(() => VideoStyleTransfer.StyliseAsync(engine, frames, new VideoStyleOptions { Frame = still }));

            Assert.Contains($"Frame.{name}", ex.Message);
        }

        Assert.Throws<ArgumentException>(() => new VideoFileOptions { Input = "clip.mp4", OutputPath = "out.avi" });
        Assert.Throws<ArgumentOutOfRangeException>(() => new VideoShard(2, 2));
    }

    [SkippableFact]
    public async Task A_stream_of_frames_is_fitted_to_the_output_size_and_each_finished_frame_is_reported()
    {
        var (engine, options) = Engine();
        await using var _ = engine;
        var reports = new ConcurrentQueue<VideoProgress>();

        var frames = await TestEnvironment.ToListAsync(VideoStyleTransfer.StyliseAsync(engine, Frames(128, 96, 3), options, new CallbackProgress(reports.Enqueue), frameCount: 3));

        Assert.Equal([0, 1, 2], frames.Select(f => f.Index));
        Assert.All(frames, f => Assert.Equal((64, 48), (f.Image.Width, f.Image.Height)));
        var finished = reports.Where(r => r.FinishedFrame is not null).ToArray();
        Assert.Equal([0, 1, 2], finished.Select(r => r.Frame));
        Assert.Equal(frames[2].Image.Pixels.ToArray(), finished[2].FinishedFrame!.Pixels.ToArray());
        Assert.Equal(TimeSpan.Zero, finished[2].EstimatedRemaining);
    }

    public void Dispose() => _clips.Dispose();

    private static (StyleTransferEngine Engine, VideoStyleOptions Options) Engine()
    {
        var (weights, images) = TestEnvironment.RequireWeightsAndImages();
        var engine = new StyleTransferEngine(new StyleTransferEngineOptions { WeightsPath = weights });
        var frame = new StyleTransferOptions { Styles = [Path.Combine(images, "starry_night.jpg")], OutputSize = 64, StartSize = 32, Iterations = 8, Seed = 1 };
        return (engine, new VideoStyleOptions { Frame = frame, LaterFrameIterations = LaterIterations });
    }

    private static async IAsyncEnumerable<RgbImage> Frames(int width, int height, int count)
    {
        for (var t = 0; t < count; t++)
        {
            await Task.Yield();
            yield return Flow.Textures.Shifted(width, height, 2 * t, 0);
        }
    }

    private static async IAsyncEnumerable<RgbImage> AsyncFrames()
    {
        await Task.Yield();
        yield break;
    }

    private sealed class CallbackProgress(Action<VideoProgress> report) : IProgress<VideoProgress>
    {
        public void Report(VideoProgress value) => report(value);
    }
}
