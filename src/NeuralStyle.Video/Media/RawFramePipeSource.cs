using System.Globalization;
using FFMpegCore.Pipes;
using NeuralStyle.Imaging;

namespace NeuralStyle.Video.Media;

/// <summary>Frames from an async stream piped into ffmpeg as raw RGB, one at a time, as they come.</summary>
internal sealed class RawFramePipeSource(IAsyncEnumerable<RgbImage> frames, FrameFormat format) : IPipeSource
{
    public string GetStreamArguments() =>
        string.Create(CultureInfo.InvariantCulture, $"-f rawvideo -pix_fmt rgb24 -s {format.Width}x{format.Height} -framerate {format.FrameRate:R}");

    public async Task WriteAsync(Stream outputStream, CancellationToken cancellationToken)
    {
        var index = 0;
        await foreach (var frame in frames.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (frame.Width != format.Width || frame.Height != format.Height)
            {
                throw new ArgumentException($"Every frame of a video must be {format.Width} × {format.Height}; frame {index} was {frame.Width} × {frame.Height}.", nameof(frames));
            }

            await outputStream.WriteAsync(frame.Pixels.ToArray(), cancellationToken).ConfigureAwait(false);
            index++;
        }
    }
}
