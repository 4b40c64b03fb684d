namespace NeuralStyle.Cli;

/// <summary>Which files the commands take as images: one list for every command that reads a folder of them.</summary>
internal static class ImageFiles
{
    /// <summary>The extensions of the formats <see cref="NeuralStyle.Imaging.RgbImage"/> decodes (SkiaSharp's codecs).</summary>
    private static readonly HashSet<string> ReadableExtensions =
        new([".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp", ".ico", ".wbmp", ".tif", ".tiff", ".heic", ".heif", ".avif"], StringComparer.OrdinalIgnoreCase);

    /// <summary>The extensions of the formats an output can be written in.</summary>
    private static readonly HashSet<string> WritableExtensions = new([".png", ".jpg", ".jpeg", ".webp"], StringComparer.OrdinalIgnoreCase);

    /// <summary>The visible image files directly in <paramref name="folder"/> (hidden files and other extensions left out), in ordinal order of their paths.</summary>
    public static string[] InFolder(string folder) =>
        Directory.EnumerateFiles(folder)
            .Where(path => !Path.GetFileName(path).StartsWith('.') && ReadableExtensions.Contains(Path.GetExtension(path)))
            .Order(StringComparer.Ordinal)
            .ToArray();

    /// <summary>Whether an output named <paramref name="path"/> has an extension that says its format.</summary>
    public static bool HasWritableExtension(string path) => WritableExtensions.Contains(Path.GetExtension(path));
}
