namespace NeuralStyle.Video.Media;

/// <summary>The one line of an ffmpeg failure worth showing: the last line of its error output (FFMpegCore puts that output in its exception's message).</summary>
internal static class FfmpegFailure
{
    public static string Describe(Exception exception) => Describe(exception.Message);

    public static string Describe(string errorOutput)
    {
        var last = errorOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        return string.IsNullOrEmpty(last) ? "ffmpeg failed" : $"ffmpeg said \"{last}\"";
    }
}
