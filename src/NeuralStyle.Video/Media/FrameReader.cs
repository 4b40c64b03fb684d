using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using FFMpegCore;
using FFMpegCore.Pipes;
using NeuralStyle.Imaging;

namespace NeuralStyle.Video.Media;

/// <summary>
/// Decodes a clip's frames with ffmpeg, resized and resampled to a frame rate, piped as raw RGB (no
/// files in between). At most two decoded frames wait at a time, so memory stays bounded however
/// long the clip; a consumer that stops early stops ffmpeg.
/// </summary>
internal static class FrameReader
{
    private const int FramesInFlight = 2;

    /// <summary>The frames of <paramref name="path"/> from <paramref name="from"/> for <paramref name="duration"/> (null: to the end).</summary>
    /// <exception cref="VideoException">ffmpeg could not decode the clip.</exception>
    public static async IAsyncEnumerable<RgbImage> ReadAsync(
        Ffmpeg ffmpeg,
        string path,
        FrameFormat format,
        TimeSpan from,
        TimeSpan? duration,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var frames = Channel.CreateBounded<RgbImage>(new BoundedChannelOptions(FramesInFlight) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sink = new StreamPipeSink((stream, token) => SplitFramesAsync(stream, format, frames.Writer, token));
        var processor = FFMpegArguments
            .FromFileInput(path, verifyExists: true, input =>
            {
                if (from > TimeSpan.Zero)
                {
                    input.WithStartTime(from);
                }
            })
            .OutputToPipe(sink, output =>
            {
                if (duration is { } length)
                {
                    output.WithDuration(length);
                }

                output.WithCustomArgument(string.Create(CultureInfo.InvariantCulture, $"-vf fps={format.FrameRate:R},scale={format.Width}:{format.Height}:flags=area -pix_fmt rgb24 -an -sn"));
                output.ForceFormat("rawvideo");
            })
            .CancellableThrough(stop.Token);

        var decoding = DecodeAsync(processor, ffmpeg, path, frames.Writer);
        try
        {
            await foreach (var frame in frames.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return frame;
            }

            await decoding.ConfigureAwait(false);
        }
        finally
        {
            if (!decoding.IsCompleted)
            {
                await stop.CancelAsync().ConfigureAwait(false); // stopped early: ffmpeg is not left running
                frames.Writer.TryComplete();
                await Task.WhenAny(decoding).ConfigureAwait(false);
            }
        }
    }

    private static async Task DecodeAsync(FFMpegArgumentProcessor processor, Ffmpeg ffmpeg, string path, ChannelWriter<RgbImage> frames)
    {
        try
        {
            await processor.ProcessAsynchronously(throwOnError: true, ffmpeg.Options).ConfigureAwait(false);
            frames.TryComplete();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            frames.TryComplete(new VideoException($"Could not decode the video '{path}': {FfmpegFailure.Describe(ex)}.", ex));
        }
        catch (OperationCanceledException ex)
        {
            frames.TryComplete(ex);
        }
    }

    private static async Task SplitFramesAsync(Stream stream, FrameFormat format, ChannelWriter<RgbImage> frames, CancellationToken cancellationToken)
    {
        var buffer = new byte[format.Bytes];
        while (await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false) == buffer.Length)
        {
            await frames.WriteAsync(new RgbImage(format.Width, format.Height, buffer), cancellationToken).ConfigureAwait(false);
        }
    }
}
