using NeuralStyle.Imaging;
using NeuralStyle.Video.Media;

namespace NeuralStyle.Video.Tests.Media;

/// <summary>Decoding and encoding through ffmpeg: sizes, rates, lengths and sound carried through, frames piped as raw pixels.</summary>
public sealed class VideoFilesTests : IDisposable
{
    private readonly Clips _clips = new();
    private readonly Ffmpeg _ffmpeg = Ffmpeg.Locate();

    [Fact]
    public async Task A_clip_is_described_as_ffmpeg_made_it()
    {
        var clip = _clips.WithSound("clip.mp4", "96x64", 12, 2);

        var info = await VideoInfo.ProbeAsync(_ffmpeg, clip, CancellationToken.None);

        Assert.Equal((96, 64), (info.Width, info.Height));
        Assert.Equal(12, info.FrameRate, 3);
        Assert.InRange(info.Duration.TotalSeconds, 1.95, 2.05);
        Assert.Equal("aac", info.AudioCodec);
    }

    [Fact]
    public async Task Frames_are_read_from_a_point_for_a_length_at_the_asked_size_and_rate()
    {
        var clip = _clips.WithSound("clip.mp4", "96x64", 12, 3);

        var frames = await TestEnvironment.ToListAsync(FrameReader.ReadAsync(_ffmpeg, clip, new FrameFormat(48, 32, 6), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1.5), CancellationToken.None));

        Assert.Equal(9, frames.Count); // 1.5 s at 6 frames a second
        Assert.All(frames, f => Assert.Equal((48, 32), (f.Width, f.Height)));
        Assert.NotEqual(frames[0].Pixels.ToArray(), frames[^1].Pixels.ToArray()); // the pattern moves
    }

    [Fact]
    public async Task A_slow_reader_still_gets_every_frame_after_ffmpeg_has_finished()
    {
        var clip = _clips.WithSound("clip.mp4", "96x64", 10, 1);

        var count = 0;
        await foreach (var frame in FrameReader.ReadAsync(_ffmpeg, clip, new FrameFormat(48, 32, 10), TimeSpan.Zero, null, CancellationToken.None))
        {
            count++;
            if (count == 1)
            {
                await Task.Delay(TimeSpan.FromSeconds(2)); // ffmpeg decodes the rest and exits meanwhile
            }
        }

        Assert.Equal(10, count);
    }

    [Fact]
    public async Task Written_frames_come_back_alike_with_the_clips_sound_copied_and_cut_to_length()
    {
        var clip = _clips.WithSound("clip.mp4", "96x64", 10, 3);
        var output = Path.Combine(_clips.Folder, "out.mp4");
        var format = new FrameFormat(96, 64, 10);
        var written = Enumerable.Range(0, 15).Select(Gradient).ToList(); // 1.5 s

        await FrameWriter.WriteAsync(_ffmpeg, ToAsync(written), format, output, VideoContainer.Mp4, new AudioTrack(clip, TimeSpan.FromSeconds(0.5), "aac"), overwrite: false, CancellationToken.None);

        Assert.Equal("h264", Clips.Probe(output, "v:0", "codec_name"));
        Assert.Equal("yuv420p", Clips.Probe(output, "v:0", "pix_fmt"));
        Assert.Equal("aac", Clips.Probe(output, "a:0", "codec_name")); // copied, as the clip had it
        var info = await VideoInfo.ProbeAsync(_ffmpeg, output, CancellationToken.None);
        Assert.Equal(10, info.FrameRate, 3);
        Assert.InRange(info.Duration.TotalSeconds, 1.45, 1.55);
        var soundSeconds = double.Parse(Clips.Probe(output, "a:0", "duration"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(soundSeconds, 1.4, 1.6); // the clip's sound from 0.5 s runs 2.5 s: cut to the frames
        var read = await TestEnvironment.ToListAsync(FrameReader.ReadAsync(_ffmpeg, output, format, TimeSpan.Zero, null, CancellationToken.None));
        Assert.Equal(written.Count, read.Count);
        for (var i = 0; i < read.Count; i++)
        {
            Assert.True(MeanDifference(written[i], read[i]) < 2.0, $"frame {i} differs by {MeanDifference(written[i], read[i]):F2} levels on average");
        }
    }

    [Theory]
    [InlineData("clip.mp4", "aac", "out.webm", "vp9", "opus")] // WebM cannot hold AAC: re-encoded to Opus
    [InlineData("clip.mkv", "pcm_s16le", "out.mp4", "h264", "aac")] // MP4 cannot hold PCM: re-encoded to AAC
    [InlineData("clip.mkv", "libopus", "out.webm", "vp9", "opus")] // copied
    public async Task Sound_the_container_cannot_hold_is_re_encoded_to_one_it_can(string clipName, string audioCodec, string outputName, string video, string audio)
    {
        var clip = _clips.WithSound(clipName, "96x64", 10, 1, audioCodec);
        var format = new FrameFormat(48, 32, 10);
        var frames = await TestEnvironment.ToListAsync(FrameReader.ReadAsync(_ffmpeg, clip, format, TimeSpan.Zero, null, CancellationToken.None));
        var output = Path.Combine(_clips.Folder, outputName);
        var codec = (await VideoInfo.ProbeAsync(_ffmpeg, clip, CancellationToken.None)).AudioCodec!;

        await FrameWriter.WriteAsync(_ffmpeg, ToAsync(frames), format, output, VideoFileOptions.ContainerOf(output), new AudioTrack(clip, TimeSpan.Zero, codec), overwrite: false, CancellationToken.None);

        Assert.Equal(video, Clips.Probe(output, "v:0", "codec_name"));
        Assert.Equal(audio, Clips.Probe(output, "a:0", "codec_name"));
    }

    [Fact]
    public async Task An_existing_file_is_kept_unless_overwriting_is_allowed_and_a_failed_write_leaves_nothing()
    {
        var output = Path.Combine(_clips.Folder, "kept.mp4");
        await File.WriteAllTextAsync(output, "mine");
        var format = new FrameFormat(96, 64, 10);

        var refused = await Assert.ThrowsAnyAsync<NeuralStyleException>(() => FrameWriter.WriteAsync(_ffmpeg, ToAsync([Gradient(0)]), format, output, VideoContainer.Mp4, null, overwrite: false, CancellationToken.None));
        var wrongSize = await Assert.ThrowsAsync<ArgumentException>(() => FrameWriter.WriteAsync(_ffmpeg, ToAsync([Gradient(0), new RgbImage(8, 8, new byte[192])]), format, output, VideoContainer.Mp4, null, overwrite: true, CancellationToken.None));

        Assert.Contains("overwrit", refused.Message);
        Assert.Contains("frame 1", wrongSize.Message);
        Assert.Equal("mine", await File.ReadAllTextAsync(output));
        Assert.Equal(["kept.mp4"], Directory.GetFiles(_clips.Folder).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_reader_stopped_early_stops_ffmpeg_and_ends()
    {
        var clip = _clips.WithSound("long.mp4", "96x64", 25, 20);
        var taken = 0;

        await foreach (var frame in FrameReader.ReadAsync(_ffmpeg, clip, new FrameFormat(96, 64, 25), TimeSpan.Zero, null, CancellationToken.None))
        {
            if (++taken == 3)
            {
                break;
            }
        }

        Assert.Equal(3, taken);
    }

    [Fact]
    public void Without_ffmpeg_the_error_says_how_to_install_it()
    {
        var ex = Assert.Throws<VideoException>(() => Ffmpeg.Locate(_clips.Folder));

        Assert.Contains("apt-get install ffmpeg", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public async Task A_file_that_is_not_a_video_is_refused_with_its_name()
    {
        var path = Path.Combine(_clips.Folder, "notes.mp4");
        await File.WriteAllTextAsync(path, "not a video");

        var ex = await Assert.ThrowsAsync<VideoException>(() => VideoInfo.ProbeAsync(_ffmpeg, path, CancellationToken.None));

        Assert.Contains("notes.mp4", ex.Message);
    }

    [Fact]
    public async Task A_still_picture_is_refused_as_a_clip()
    {
        var picture = Path.Combine(_clips.Folder, "picture.png");
        new RgbImage(8, 8, new byte[8 * 8 * 3]).Save(picture);

        var ex = await Assert.ThrowsAsync<VideoException>(() => VideoInfo.ProbeAsync(_ffmpeg, picture, CancellationToken.None));

        Assert.Contains("still picture", ex.Message);
    }

    public void Dispose() => _clips.Dispose();

    /// <summary>A smooth picture that moves one pixel a frame: smooth so that the lossy codec keeps it closely.</summary>
    private static RgbImage Gradient(int frame)
    {
        const int Width = 96, Height = 64;
        var pixels = new byte[Width * Height * 3];
        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                var i = ((y * Width) + x) * 3;
                pixels[i] = (byte)(((x + frame) * 2) % 256);
                pixels[i + 1] = (byte)(y * 3);
                pixels[i + 2] = 128;
            }
        }

        return new RgbImage(Width, Height, pixels);
    }

    private static double MeanDifference(RgbImage a, RgbImage b)
    {
        var p = a.Pixels;
        var q = b.Pixels;
        double sum = 0;
        for (var i = 0; i < p.Length; i++)
        {
            sum += Math.Abs(p[i] - q[i]);
        }

        return sum / p.Length;
    }

    private static async IAsyncEnumerable<RgbImage> ToAsync(IEnumerable<RgbImage> frames)
    {
        foreach (var frame in frames)
        {
            await Task.Yield();
            yield return frame;
        }
    }
}
