using System.Diagnostics;

namespace NeuralStyle.Video.Tests.Media;

/// <summary>Test clips made by the ffmpeg program itself (not through the code under test), in a folder removed on dispose.</summary>
internal sealed class Clips : IDisposable
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("neuralstyle-video-").FullName;

    /// <summary>ffmpeg's test pattern at <paramref name="size"/> and <paramref name="rate"/> with a 440 Hz tone in <paramref name="audioCodec"/> (AAC by default), as H.264 in the container <paramref name="name"/>'s extension names.</summary>
    public string WithSound(string name, string size, int rate, double seconds, string audioCodec = "aac")
    {
        var path = Path.Combine(Folder, name);
        Run("ffmpeg", "-v", "error", "-f", "lavfi", "-i", $"testsrc=size={size}:rate={rate}", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
            "-t", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", audioCodec, path);
        return path;
    }

    /// <summary>What ffprobe says of one entry of a file's streams, e.g. ("a:0", "codec_name").</summary>
    public static string Probe(string path, string stream, string entry) =>
        Run("ffprobe", "-v", "error", "-select_streams", stream, "-show_entries", $"stream={entry}", "-of", "default=noprint_wrappers=1:nokey=1", path).Trim();

    public void Dispose() => Directory.Delete(Folder, recursive: true);

    private static string Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} failed: {error}");
        return output;
    }
}
