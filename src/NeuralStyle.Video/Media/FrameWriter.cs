using System.Globalization;
using FFMpegCore;
using NeuralStyle.Imaging;

namespace NeuralStyle.Video.Media;

/// <summary>
/// Encodes frames with ffmpeg into a video file, piped as raw RGB as they come (no files in
/// between), with the sound of another clip copied in (re-encoded only where the container cannot hold its codec). The file appears only when complete: ffmpeg
/// writes a temporary file beside it, which replaces the target at the end and is removed on any
/// failure or cancellation.
/// </summary>
internal static class FrameWriter
{
    /// <summary>The audio codecs ffmpeg's MP4 muxer takes as they are.</summary>
    private static readonly HashSet<string> Mp4Audio = ["aac", "mp3", "alac", "ac3", "eac3", "opus", "flac"];

    /// <exception cref="ArgumentException">A side is odd (yuv420p halves both) or a frame has another size.</exception>
    /// <exception cref="VideoException">The file cannot be written or ffmpeg failed.</exception>
    public static async Task WriteAsync(
        Ffmpeg ffmpeg,
        IAsyncEnumerable<RgbImage> frames,
        FrameFormat format,
        string path,
        VideoContainer container,
        AudioTrack? audio,
        bool overwrite,
        CancellationToken cancellationToken)
    {
        if (format.Width % 2 != 0 || format.Height % 2 != 0)
        {
            Guard.ThrowArgument($"A video's sides must be even (its colours are stored at half size); {format.Width} × {format.Height} is not.", nameof(format));
        }

        if (AtomicFile.WhyNotWritable(path, overwrite, "allow overwriting to replace it") is { } reason)
        {
            throw new VideoException($"Could not write the video to '{path}': {reason}.");
        }

        var arguments = FFMpegArguments.FromPipeInput(new RawFramePipeSource(frames, format));
        if (audio is not null)
        {
            arguments = arguments.AddFileInput(audio.Path, verifyExists: true, input =>
            {
                if (audio.From > TimeSpan.Zero)
                {
                    input.WithStartTime(audio.From);
                }
            });
        }

        try
        {
            await AtomicFile.WriteThroughPathAsync(
                path,
                (temporary, token) => arguments
                    .OutputToFile(temporary, overwrite: false, output =>
                    {
                        output.WithCustomArgument(Encoding(container));
                        output.WithCustomArgument(audio is null ? "-map 0:v:0" : $"-map 0:v:0 -map 1:a:0? {AudioEncoding(container, audio.Codec)} -shortest");
                        output.ForceFormat(container == VideoContainer.Mp4 ? "mp4" : "webm");
                    })
                    .CancellableThrough(token)
                    .ProcessAsynchronously(throwOnError: true, ffmpeg.Options),
                overwrite,
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or ArgumentException or VideoException))
        {
            throw new VideoException($"Could not write the video to '{path}': {FfmpegFailure.Describe(ex)}.", ex);
        }
    }

    /// <summary>
    /// The sound: copied as it is when the container holds its codec; otherwise re-encoded, to AAC in
    /// MP4 and to Opus in WebM (WebM holds only Opus and Vorbis, so a clip's AAC cannot be copied into it).
    /// </summary>
    private static string AudioEncoding(VideoContainer container, string codec) => container switch
    {
        VideoContainer.Mp4 when Mp4Audio.Contains(codec) => "-c:a copy",
        VideoContainer.Mp4 => "-c:a aac -b:a 192k",
        VideoContainer.WebM when codec is "opus" or "vorbis" => "-c:a copy",
        VideoContainer.WebM => "-c:a libopus -b:a 128k",
        _ => throw new ArgumentOutOfRangeException(nameof(container)),
    };

    /// <summary>The codec settings: visually lossless H.264, or VP9 at constant quality; yuv420p either way so that every player plays it.</summary>
    private static string Encoding(VideoContainer container) => container switch
    {
        VideoContainer.Mp4 => "-c:v libx264 -preset medium -crf 18 -pix_fmt yuv420p -movflags +faststart",
        VideoContainer.WebM => "-c:v libvpx-vp9 -crf 32 -b:v 0 -pix_fmt yuv420p",
        _ => throw new ArgumentOutOfRangeException(nameof(container)),
    };
}
