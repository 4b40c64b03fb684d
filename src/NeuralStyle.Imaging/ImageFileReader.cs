namespace NeuralStyle.Imaging;

/// <summary>Reads encoded image bytes, turning file-system failures into <see cref="ImageLoadException"/>.</summary>
internal static class ImageFileReader
{
    public static byte[] ReadAllBytes(string path)
    {
        Guard.NotNullOrWhiteSpace(path);
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (IsFileSystemFailure(ex))
        {
            throw Wrap(path, ex);
        }
    }

    public static async Task<byte[]> ReadAllBytesAsync(string path, CancellationToken cancellationToken)
    {
        Guard.NotNullOrWhiteSpace(path);
        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsFileSystemFailure(ex))
        {
            throw Wrap(path, ex);
        }
    }

    public static byte[] ReadAllBytes(Stream stream)
    {
        using var buffer = new MemoryStream();
        try
        {
            stream.CopyTo(buffer);
        }
        catch (Exception ex) when (IsFileSystemFailure(ex))
        {
            throw new ImageLoadException("stream", $"reading the stream failed ({ex.Message})", ex);
        }

        return buffer.ToArray();
    }

    public static async Task<byte[]> ReadAllBytesAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        try
        {
            await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsFileSystemFailure(ex))
        {
            throw new ImageLoadException("stream", $"reading the stream failed ({ex.Message})", ex);
        }

        return buffer.ToArray();
    }

    private static bool IsFileSystemFailure(Exception ex) =>
        ex is IOException or UnauthorizedAccessException or NotSupportedException;

    private static ImageLoadException Wrap(string path, Exception ex)
    {
        var reason = ex switch
        {
            FileNotFoundException => "the file does not exist; check the path",
            DirectoryNotFoundException => "the folder does not exist; check the path",
            UnauthorizedAccessException => "access to the file was denied",
            _ => $"the file could not be read ({ex.Message})",
        };
        return new ImageLoadException($"'{path}'", reason, ex);
    }
}
