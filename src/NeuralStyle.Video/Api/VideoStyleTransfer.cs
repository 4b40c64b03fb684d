using System.Diagnostics;
using System.Runtime.CompilerServices;
using NeuralStyle.FastStyles;
using NeuralStyle.Imaging;
using NeuralStyle.Video.Media;
using NeuralStyle.Video.Stylisation;

namespace NeuralStyle.Video;

/// <summary>
/// Video style transfer (Ruder, Dosovitskiy and Brox, "Artistic Style Transfer for Videos"): the
/// first frame is stylised as a still, each later frame starts from the previous result warped along
/// the optical flow and is held to it where the flow is reliable, so the texture does not flicker.
/// Frames in and out as async streams (<c>StyliseAsync</c>), or a clip to a video file with ffmpeg
/// (<c>RunAsync</c>), resumable and shardable over machines (<see cref="JoinAsync"/>); each by
/// optimisation on a <see cref="StyleTransferEngine"/>, or in one pass per frame with a trained
/// style (<see cref="FastStyleModel"/>) steadied along the flow.
/// </summary>
/// <example>
/// <code>
/// await using var engine = new StyleTransferEngine();
/// var result = await VideoStyleTransfer.RunAsync(
///     engine,
///     new VideoFileOptions { Input = "clip.mp4", OutputPath = "styled.mp4" },
///     new VideoStyleOptions { Frame = new StyleTransferOptions { Styles = ["starry_night.jpg"], OutputSize = 256 } });
/// </code>
/// </example>
public static class VideoStyleTransfer
{
    /// <summary>
    /// Stylises a stream of frames, yielding each stylised frame as it is finished. Frames are
    /// scaled to fit <see cref="StyleTransferOptions.OutputSize"/> of <see cref="VideoStyleOptions.Frame"/>, as a still's content is.
    /// </summary>
    /// <param name="engine">The engine that runs each frame (its network is loaded once).</param>
    /// <param name="frames">The frames, in order, all of one size.</param>
    /// <param name="options">How each frame is stylised; validated before the first frame.</param>
    /// <param name="progress">Receives every iteration of every frame, and each finished frame; null for none.</param>
    /// <param name="frameCount">How many frames the stream has, for the ETA; null when unknown.</param>
    /// <param name="cancellationToken">Stops within one iteration.</param>
    /// <returns>The stylised frames, in order.</returns>
    /// <exception cref="ArgumentException">An option is invalid (thrown before any work), or a frame's size differs from the first's.</exception>
    /// <exception cref="VideoException">OpenCV's native library, which computes the optical flow, does not load (thrown before any work).</exception>
    public static IAsyncEnumerable<StylisedFrame> StyliseAsync(
        StyleTransferEngine engine,
        IAsyncEnumerable<RgbImage> frames,
        VideoStyleOptions options,
        IProgress<VideoProgress>? progress = null,
        int? frameCount = null,
        CancellationToken cancellationToken = default)
    {
        Guard.NotNull(engine);
        Guard.NotNull(options);
        options.Validate();
        return StyliseFrames(new OptimisingPainter(engine, options), frames, options.Frame.OutputSize, progress, frameCount, cancellationToken);
    }

    /// <summary>
    /// Paints a stream of frames with a trained style, one pass each, steadied along the optical
    /// flow (<see cref="TrainedStyleVideoOptions.Blend"/>), yielding each frame as it is finished.
    /// </summary>
    /// <param name="model">The trained style (made by <c>neural-style train</c>).</param>
    /// <param name="frames">The frames, in order, all of one size.</param>
    /// <param name="options">The frames' size and the blend; the defaults when null.</param>
    /// <param name="progress">Receives each finished frame; null for none.</param>
    /// <param name="frameCount">How many frames the stream has, for the ETA; null when unknown.</param>
    /// <param name="cancellationToken">Stops before the next frame.</param>
    /// <returns>The stylised frames, in order (their <see cref="StylisedFrame.Result"/> is null: nothing is optimised).</returns>
    /// <exception cref="ArgumentException">A frame's size differs from the first's.</exception>
    /// <exception cref="VideoException">OpenCV's native library, which computes the optical flow, does not load (thrown before any work).</exception>
    public static IAsyncEnumerable<StylisedFrame> StyliseAsync(
        FastStyleModel model,
        IAsyncEnumerable<RgbImage> frames,
        TrainedStyleVideoOptions? options = null,
        IProgress<VideoProgress>? progress = null,
        int? frameCount = null,
        CancellationToken cancellationToken = default)
    {
        Guard.NotNull(model);
        options ??= new TrainedStyleVideoOptions();
        return StyliseFrames(new TrainedStylePainter(model, options.Blend), frames, options.OutputSize, progress, frameCount, cancellationToken);
    }

    /// <summary>
    /// Stylises a clip into a video file: frames decoded by ffmpeg at the output size and frame
    /// rate, each finished frame kept in <see cref="VideoFileOptions.FramesFolder"/> (a rerun goes on
    /// where an interrupted run stopped), then encoded with the clip's sound copied in. With a
    /// <see cref="VideoFileOptions.Shard"/> other than the whole clip, only that segment's frames are
    /// kept and no video is written: <see cref="JoinAsync"/> writes it once every shard is done.
    /// </summary>
    /// <param name="engine">The engine that runs each frame.</param>
    /// <param name="file">The clip, the output and the part of the clip.</param>
    /// <param name="options">How each frame is stylised.</param>
    /// <param name="progress">Receives every iteration of every frame, and each finished frame, with an ETA.</param>
    /// <param name="cancellationToken">Stops within one iteration; finished frames stay kept, and no video is written.</param>
    /// <returns>What was done.</returns>
    /// <exception cref="ArgumentException">An option is invalid (thrown before any work).</exception>
    /// <exception cref="VideoException">ffmpeg or OpenCV's native library is missing, the clip cannot be read or has no frames, or the video cannot be written (checked before any work where it can be).</exception>
    public static Task<VideoResult> RunAsync(
        StyleTransferEngine engine,
        VideoFileOptions file,
        VideoStyleOptions options,
        IProgress<VideoProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        Guard.NotNull(engine);
        Guard.NotNull(file);
        Guard.NotNull(options);
        options.Validate();
        return RunFileAsync(new OptimisingPainter(engine, options), file, options.Frame.OutputSize, progress, cancellationToken);
    }

    /// <summary>
    /// Paints a clip into a video file with a trained style, one pass per frame, steadied along the
    /// optical flow; otherwise as <see cref="RunAsync(StyleTransferEngine, VideoFileOptions, VideoStyleOptions, IProgress{VideoProgress}?, CancellationToken)"/>:
    /// frames kept as they are finished, resumable, one shard or the whole clip.
    /// </summary>
    /// <param name="model">The trained style (made by <c>neural-style train</c>).</param>
    /// <param name="file">The clip, the output and the part of the clip.</param>
    /// <param name="options">The frames' size (the clip's when null) and the blend; the defaults when null.</param>
    /// <param name="progress">Receives each finished frame, with an ETA.</param>
    /// <param name="cancellationToken">Stops before the next frame; finished frames stay kept, and no video is written.</param>
    /// <returns>What was done.</returns>
    /// <exception cref="VideoException">ffmpeg or OpenCV's native library is missing, the clip cannot be read or has no frames, or the video cannot be written (checked before any work where it can be).</exception>
    public static Task<VideoResult> RunAsync(
        FastStyleModel model,
        VideoFileOptions file,
        TrainedStyleVideoOptions? options = null,
        IProgress<VideoProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        Guard.NotNull(model);
        Guard.NotNull(file);
        options ??= new TrainedStyleVideoOptions();
        return RunFileAsync(new TrainedStylePainter(model, options.Blend), file, options.OutputSize, progress, cancellationToken);
    }

    /// <summary>
    /// Writes the video from the frames that <paramref name="shards"/> shard runs kept in
    /// <see cref="VideoFileOptions.FramesFolder"/> (the same file options as theirs, the shard aside),
    /// with the clip's sound copied in; then removes the frames unless <see cref="VideoFileOptions.KeepFrames"/>.
    /// </summary>
    /// <param name="file">The clip, the output and the frames folder the shards used.</param>
    /// <param name="shards">How many shards the clip was split into.</param>
    /// <param name="cancellationToken">Stops the encoding; nothing is written and the frames stay.</param>
    /// <returns>What was written (no frames computed).</returns>
    /// <exception cref="VideoException">ffmpeg is missing, a shard is not done, a frame is missing, or the video cannot be written.</exception>
    public static async Task<VideoResult> JoinAsync(VideoFileOptions file, int shards, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(file);
        Guard.MustBeBetween(shards, 1, 10_000);
        var clock = Stopwatch.StartNew();
        var ffmpeg = Ffmpeg.Locate(file.FfmpegFolder);
        if (!Directory.Exists(file.FramesFolderOrDefault))
        {
            throw new VideoException($"There are no kept frames to join in '{file.FramesFolderOrDefault}': run the shards (with the same input, output and frames folder) first.");
        }

        var store = new FrameStore(file.FramesFolderOrDefault);
        var info = await VideoInfo.ProbeAsync(ffmpeg, file.Input, cancellationToken).ConfigureAwait(false);
        var written = await EncodeKeptFramesAsync(ffmpeg, file, file.FrameRate ?? info.FrameRate, info.AudioCodec, store, shards, cancellationToken).ConfigureAwait(false);
        return new VideoResult(file.OutputPath, written.Frames, 0, written.Format.FrameRate, written.Format.Width, written.Format.Height, clock.Elapsed);
    }

    private static IAsyncEnumerable<StylisedFrame> StyliseFrames(IFramePainter painter, IAsyncEnumerable<RgbImage> frames, int? outputSize, IProgress<VideoProgress>? progress, int? frameCount, CancellationToken cancellationToken)
    {
        Guard.NotNull(frames);
        Flow.OpticalFlow.EnsureAvailable();
        var tracker = new VideoProgressTracker(progress, frameCount, painter.LaterFrameIterations);
        return new VideoStylizer(painter).StyliseAsync(FittedFrames(frames, outputSize, cancellationToken), null, FrameSpan.All, tracker, cancellationToken);
    }

    private static async Task<VideoResult> RunFileAsync(IFramePainter painter, VideoFileOptions file, int? outputSize, IProgress<VideoProgress>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var ffmpeg = Ffmpeg.Locate(file.FfmpegFolder);
        Flow.OpticalFlow.EnsureAvailable();
        var whole = file.Shard.Count == 1;
        if (whole && AtomicFile.WhyNotWritable(file.OutputPath, file.OverwriteOutput, "allow overwriting to replace it") is { } reason)
        {
            throw new VideoException($"Could not write the video to '{file.OutputPath}': {reason}.");
        }

        var clip = await ClipOf(ffmpeg, file, outputSize, cancellationToken).ConfigureAwait(false);
        var store = new FrameStore(file.FramesFolderOrDefault);
        var (first, end) = (file.Shard.FirstFrame(clip.Frames), file.Shard.EndFrame(clip.Frames));
        var last = file.Shard.Index == file.Shard.Count - 1;
        var span = new FrameSpan(first, end, Math.Min(VideoShard.LeadInFrames, first), last ? 0 : VideoShard.SeamFrames);
        var tracker = new VideoProgressTracker(progress, Math.Min(end, clip.Frames), painter.LaterFrameIterations);
        var frames = FrameReader.ReadAsync(ffmpeg, file.Input, clip.Format, file.From, file.Duration, cancellationToken);
        var (kept, computed, seen) = (0, 0, 0);
        await foreach (var frame in new VideoStylizer(painter).StyliseAsync(Counted(frames, () => seen++), store, span, tracker, cancellationToken).ConfigureAwait(false))
        {
            kept++;
            computed += frame.FromEarlierRun ? 0 : 1;
        }

        // A stream shorter than its estimate ends every later shard where it ended.
        await store.MarkDoneAsync(file.Shard, Math.Min(first, seen), Math.Min(end, seen), cancellationToken).ConfigureAwait(false);
        if (!whole)
        {
            return new VideoResult(null, kept, computed, clip.Format.FrameRate, clip.Format.Width, clip.Format.Height, clock.Elapsed);
        }

        var written = await EncodeKeptFramesAsync(ffmpeg, file, clip.Format.FrameRate, clip.AudioCodec, store, shards: 1, cancellationToken).ConfigureAwait(false);
        return new VideoResult(file.OutputPath, written.Frames, computed, clip.Format.FrameRate, clip.Format.Width, clip.Format.Height, clock.Elapsed);
    }

    /// <summary>Encodes the frames the shards kept, once all are done and they meet, with the clip's sound; then removes them unless asked to keep them.</summary>
    private static async Task<(int Frames, FrameFormat Format)> EncodeKeptFramesAsync(Ffmpeg ffmpeg, VideoFileOptions file, double frameRate, string? audioCodec, FrameStore store, int shards, CancellationToken cancellationToken)
    {
        var done = store.ShardsDone(shards);
        var missing = Enumerable.Range(0, shards).Where(i => done[i] is null).ToArray();
        if (missing.Length > 0)
        {
            throw new VideoException($"Shard{(missing.Length > 1 ? "s" : string.Empty)} {string.Join(", ", missing.Select(i => $"{i}/{shards}"))} of '{file.Input}' {(missing.Length > 1 ? "are" : "is")} not done; run {(missing.Length > 1 ? "them" : "it")} with the same frames folder, then join again.");
        }

        for (var i = 1; i < shards; i++)
        {
            if (done[i]!.Value.First != done[i - 1]!.Value.End)
            {
                throw new VideoException($"Shards {i - 1}/{shards} and {i}/{shards} in '{store.Folder}' do not meet (frames up to {done[i - 1]!.Value.End} and from {done[i]!.Value.First}): they were run on different clips or settings; delete the folder and run them again.");
            }
        }

        var end = done[^1]!.Value.End;
        if (end == 0)
        {
            throw new VideoException($"No frames could be decoded from '{file.Input}': is the part asked for (from {file.From}) inside the clip?");
        }

        if (store.CountDone() is var kept && kept < end)
        {
            throw new VideoException($"Frame {kept} of {end} is missing from '{store.Folder}'; run its shard again, then join again.");
        }

        var size = store.Load(0);
        var format = new FrameFormat(size.Width, size.Height, frameRate);
        var audio = audioCodec is { } codec ? new AudioTrack(file.Input, file.From, codec) : null;
        var seams = done.Skip(1).Select(d => d!.Value.First).Where(start => start < end).ToArray();
        await FrameWriter.WriteAsync(ffmpeg, JoinedFrames(store, seams, end), format, file.OutputPath, VideoFileOptions.ContainerOf(file.OutputPath), audio, file.OverwriteOutput, cancellationToken).ConfigureAwait(false);
        if (!file.KeepFrames)
        {
            store.Delete();
        }

        return (end, format);
    }

    /// <summary>What a run needs to know of the clip: the frames' format, how many frames it should give (estimated from its length), and its sound's codec (null: none).</summary>
    private sealed record Clip(FrameFormat Format, int Frames, string? AudioCodec);

    private static async Task<Clip> ClipOf(Ffmpeg ffmpeg, VideoFileOptions file, int? outputSize, CancellationToken cancellationToken)
    {
        var info = await VideoInfo.ProbeAsync(ffmpeg, file.Input, cancellationToken).ConfigureAwait(false);
        var rate = file.FrameRate ?? info.FrameRate;
        var length = info.Duration - file.From;
        if (file.Duration is { } duration && duration < length)
        {
            length = duration;
        }

        var frames = (int)Math.Min(int.MaxValue / 2, Math.Round(length.TotalSeconds * rate));
        if (frames <= 0)
        {
            throw new VideoException(file.From >= info.Duration && info.Duration > TimeSpan.Zero
                ? $"The video '{file.Input}' is {info.Duration.TotalSeconds:0.##} s long, so there is nothing from {file.From.TotalSeconds:0.##} s on; choose an earlier start."
                : $"The video '{file.Input}' has no frames.");
        }

        return new Clip(FrameFormat.Fitted(info.Width, info.Height, outputSize ?? Math.Max(info.Width, info.Height), rate), frames, info.AudioCodec);
    }

    private static async IAsyncEnumerable<RgbImage> JoinedFrames(FrameStore store, int[] seams, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await Task.Yield();
            yield return SeamFade.Frame(store, seams, i);
        }
    }

    private static async IAsyncEnumerable<RgbImage> Counted(IAsyncEnumerable<RgbImage> frames, Action onFrame, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var frame in frames.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            onFrame();
            yield return frame;
        }
    }

    private static async IAsyncEnumerable<RgbImage> FittedFrames(IAsyncEnumerable<RgbImage> frames, int? outputSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        (int Width, int Height)? first = null;
        await foreach (var frame in frames.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            Guard.NotNull(frame);
            first ??= (frame.Width, frame.Height);
            if ((frame.Width, frame.Height) != first)
            {
                Guard.ThrowArgument($"Every frame must have the first one's size, {first.Value.Width} × {first.Value.Height}; one is {frame.Width} × {frame.Height}.", nameof(frames));
            }

            yield return outputSize is not { } longest || Math.Max(frame.Width, frame.Height) == longest ? frame : frame.ResizeToFit(longest, allowUpscale: true);
        }
    }
}
