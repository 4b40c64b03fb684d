using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using NeuralStyle.Imaging;

namespace NeuralStyle.Video.Media;

/// <summary>
/// Decodes a clip's frames with ffmpeg, resized and resampled to a frame rate, read as raw RGB from
/// its standard output (no files in between). ffmpeg waits while the consumer works on a frame (the
/// pipe is the buffer), so memory stays bounded however long the clip; a consumer that stops early
/// stops ffmpeg.
/// </summary>
/// <remarks>
/// ffmpeg runs directly here, not through FFMpegCore's output pipe: that pipe is disposed as soon as
/// ffmpeg exits, and frames a slow consumer has not read yet are lost (measured: 3 of 10 frames
/// arrived when the consumer paused). Probing and encoding go through FFMpegCore.
/// </remarks>
internal static class FrameReader
{
    private const int ErrorTail = 4096;

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
        if (!File.Exists(path))
        {
            throw new VideoException($"Could not read the video '{path}': there is no such file.");
        }

        using var process = new Process { StartInfo = StartInfo(ffmpeg, path, format, from, duration) };
        process.Start();
        var errors = TailAsync(process.StandardError);
        try
        {
            var output = process.StandardOutput.BaseStream;
            var buffer = new byte[format.Bytes];
            while (await output.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false) == buffer.Length)
            {
                yield return new RgbImage(format.Width, format.Height, buffer);
            }

            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                throw new VideoException($"Could not decode the video '{path}': {FfmpegFailure.Describe(await errors.ConfigureAwait(false))}.");
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true); // stopped early: ffmpeg is not left running
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }

            await errors.ConfigureAwait(false);
        }
    }

    private static ProcessStartInfo StartInfo(Ffmpeg ffmpeg, string path, FrameFormat format, TimeSpan from, TimeSpan? duration)
    {
        var start = new ProcessStartInfo(ffmpeg.Program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-nostdin");
        start.ArgumentList.Add("-v");
        start.ArgumentList.Add("error");
        if (from > TimeSpan.Zero)
        {
            start.ArgumentList.Add("-ss");
            start.ArgumentList.Add(Seconds(from));
        }

        start.ArgumentList.Add("-i");
        start.ArgumentList.Add(path);
        if (duration is { } length)
        {
            start.ArgumentList.Add("-t");
            start.ArgumentList.Add(Seconds(length));
        }

        foreach (var argument in new[] { "-vf", string.Create(CultureInfo.InvariantCulture, $"fps={format.FrameRate:R},scale={format.Width}:{format.Height}:flags=area"), "-pix_fmt", "rgb24", "-an", "-sn", "-f", "rawvideo", "pipe:1" })
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.######", CultureInfo.InvariantCulture);

    /// <summary>The last few KB of ffmpeg's error output (all of it is read, so ffmpeg never blocks on it).</summary>
    private static async Task<string> TailAsync(StreamReader errors)
    {
        var tail = string.Empty;
        var chunk = new char[ErrorTail];
        int read;
        while ((read = await errors.ReadAsync(chunk).ConfigureAwait(false)) > 0)
        {
            tail = string.Concat(tail.AsSpan(Math.Max(0, tail.Length + read - ErrorTail)), chunk.AsSpan(0, read));
        }

        return tail;
    }
}
