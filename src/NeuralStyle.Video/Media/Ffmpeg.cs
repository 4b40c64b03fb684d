using FFMpegCore;

namespace NeuralStyle.Video.Media;

/// <summary>
/// Where the ffmpeg and ffprobe programs are. Every call passes these options to FFMpegCore
/// explicitly: its process-wide <c>GlobalFFOptions</c> are never changed.
/// </summary>
internal sealed class Ffmpeg
{
    /// <summary>The one line a user gets when ffmpeg is missing, before any work.</summary>
    public const string InstallHint =
        "install it (Debian/Ubuntu: sudo apt-get install ffmpeg; macOS: brew install ffmpeg; Windows: winget install Gyan.FFmpeg) and make sure ffmpeg and ffprobe are on PATH";

    private Ffmpeg(string folder)
    {
        Options = new FFOptions { BinaryFolder = folder };
        Program = Path.Combine(folder, OperatingSystem.IsWindows() ? "ffmpeg.exe" : "ffmpeg");
    }

    /// <summary>The options FFMpegCore runs the programs with.</summary>
    public FFOptions Options { get; }

    /// <summary>The ffmpeg program itself, for the decoder that runs it directly.</summary>
    public string Program { get; }

    /// <summary>Finds ffmpeg and ffprobe in <paramref name="folder"/>, or on PATH when it is null.</summary>
    /// <exception cref="VideoException">Either program is missing.</exception>
    public static Ffmpeg Locate(string? folder = null)
    {
        var folders = folder is not null
            ? [folder]
            : (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        foreach (var candidate in folders)
        {
            if (Exists(candidate, "ffmpeg") && Exists(candidate, "ffprobe"))
            {
                return new Ffmpeg(candidate);
            }
        }

        var where = folder is not null ? $"in '{folder}'" : "on PATH";
        throw new VideoException($"Video needs ffmpeg and ffprobe, which were not found {where}: {InstallHint}.");
    }

    private static bool Exists(string folder, string program) =>
        File.Exists(Path.Combine(folder, program)) || (OperatingSystem.IsWindows() && File.Exists(Path.Combine(folder, program + ".exe")));
}
