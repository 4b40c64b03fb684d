namespace NeuralStyle.Video.Media;

/// <summary>The one line of an ffmpeg failure worth showing: the last line of its message (FFMpegCore puts ffmpeg's error output there).</summary>
internal static class FfmpegFailure
{
    public static string Describe(Exception exception)
    {
        var last = exception.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        return string.IsNullOrEmpty(last) ? "ffmpeg failed" : $"ffmpeg said \"{last}\"";
    }
}
