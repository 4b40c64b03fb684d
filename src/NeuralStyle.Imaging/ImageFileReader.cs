namespace NeuralStyle.Imaging;

/// <summary>
/// Reads encoded image bytes, at most <see cref="ImageLoadOptions.MaxFileBytes"/> of them, turning
/// file-system failures into <see cref="ImageLoadException"/>. A path is opened only when it names
/// a regular file with content: a folder is refused by name, and a path whose size the file system
/// gives as 0 (an empty file, or a pipe, device or socket, which would block or never end) is
/// refused without being opened.
/// </summary>
internal static class ImageFileReader
{
    public static byte[] ReadAllBytes(string path, long maxBytes) =>
        ReadAllBytesAsync(path, maxBytes, CancellationToken.None).GetAwaiter().GetResult();

    public static async Task<byte[]> ReadAllBytesAsync(string path, long maxBytes, CancellationToken cancellationToken)
    {
        Guard.NotNullOrWhiteSpace(path);
        var description = $"'{path}'";
        try
        {
            if (Directory.Exists(path))
            {
                throw new ImageLoadException(description, "it is a folder, not an image file");
            }

            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new ImageLoadException(description, Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(path))) ? "the file does not exist; check the path" : "the folder does not exist; check the path");
            }

            if (info.Length == 0)
            {
                throw new ImageLoadException(description, "the file is empty, or not a regular file (a pipe, a device); give an image file");
            }

            if (info.Length > maxBytes)
            {
                throw TooLarge(description, info.Length, maxBytes);
            }

            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
            await using (stream.ConfigureAwait(false))
            {
                return await ReadBoundedAsync(stream, description, maxBytes, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsFileSystemFailure(ex))
        {
            throw Wrap(path, ex);
        }
    }

    public static byte[] ReadAllBytes(Stream stream, long maxBytes) =>
        ReadAllBytesAsync(stream, maxBytes, CancellationToken.None).GetAwaiter().GetResult();

    public static async Task<byte[]> ReadAllBytesAsync(Stream stream, long maxBytes, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadBoundedAsync(stream, "stream", maxBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsFileSystemFailure(ex))
        {
            throw new ImageLoadException("stream", $"reading the stream failed ({ex.Message})", ex);
        }
    }

    /// <summary>The stream's bytes to its end, refused as soon as there are more than <paramref name="maxBytes"/>.</summary>
    private static async Task<byte[]> ReadBoundedAsync(Stream stream, string description, long maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw TooLarge(description, null, maxBytes);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static ImageLoadException TooLarge(string description, long? length, long maxBytes)
    {
        var limit = $"the {maxBytes / 1048576.0:0.#} MiB an image may be ({nameof(ImageLoadOptions)}.{nameof(ImageLoadOptions.MaxFileBytes)})";
        return new ImageLoadException(description, length is { } bytes ? $"the file is {bytes / 1048576.0:0.#} MiB, more than {limit}" : $"it is longer than {limit}");
    }

    private static bool IsFileSystemFailure(Exception ex) =>
        ex is (IOException and not ImageException) or UnauthorizedAccessException or NotSupportedException;

    private static ImageLoadException Wrap(string path, Exception ex)
    {
        var reason = ex switch
        {
            FileNotFoundException => "the file does not exist; check the path",
            DirectoryNotFoundException => "the folder does not exist; check the path",
            UnauthorizedAccessException => "this user may not read the file",
            _ => $"the file could not be read ({ex.Message})",
        };
        return new ImageLoadException($"'{path}'", reason, ex);
    }
}
