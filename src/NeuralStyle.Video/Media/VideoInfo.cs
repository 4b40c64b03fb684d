namespace NeuralStyle.Video.Media;

/// <summary>What ffprobe says of a clip's first video stream and whether it has sound.</summary>
/// <param name="Width">The frames' width in pixels.</param>
/// <param name="Height">The frames' height in pixels.</param>
/// <param name="FrameRate">Frames per second (the stream's average).</param>
/// <param name="Duration">The clip's length.</param>
/// <param name="AudioCodec">The codec of the file's first audio stream (ffprobe's name, e.g. "aac"), or null when it has none.</param>
internal sealed record VideoInfo(int Width, int Height, double FrameRate, TimeSpan Duration, string? AudioCodec)
{
    /// <summary>Whether the file has an audio stream.</summary>
    public bool HasAudio => AudioCodec is not null;

    /// <summary>Reads a clip's description.</summary>
    /// <exception cref="VideoException">The file is missing, is not a video (a still picture included), or ffprobe failed.</exception>
    public static async Task<VideoInfo> ProbeAsync(Ffmpeg ffmpeg, string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new VideoException($"Could not read the video '{path}': there is no such file.");
        }

        FFMpegCore.IMediaAnalysis analysis;
        try
        {
            analysis = await FFMpegCore.FFProbe.AnalyseAsync(path, ffmpeg.Options, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new VideoException($"Could not read the video '{path}': ffprobe does not recognise it as a media file.", ex);
        }

        // ffmpeg reads a picture as a one-frame video (formats image2 and *_pipe); a picture is the main command's work.
        var format = analysis.Format.FormatName ?? string.Empty;
        if (format == "image2" || format.EndsWith("_pipe", StringComparison.Ordinal))
        {
            throw new VideoException($"Could not read the video '{path}': it is a still picture, not a clip; stylise a picture as a still (neural-style CONTENT STYLE -o OUT, or StyleTransfer.RunAsync).");
        }

        var video = analysis.PrimaryVideoStream
            ?? throw new VideoException($"Could not read the video '{path}': it has no video stream.");
        var frameRate = video.AverageFrameRate > 0 ? video.AverageFrameRate : video.RealFrameRate;
        if (video.Width is not > 0 || video.Height is not > 0 || !(frameRate > 0))
        {
            throw new VideoException($"Could not read the video '{path}': its video stream has no size or frame rate.");
        }

        var duration = video.Duration > TimeSpan.Zero ? video.Duration : analysis.Duration;
        var audio = analysis.PrimaryAudioStream;
        return new VideoInfo(video.Width.Value, video.Height.Value, frameRate, duration, audio is null ? null : audio.CodecName ?? "unknown");
    }
}
