namespace NeuralStyle.Imaging;

/// <summary>
/// Writes a file so that readers only ever see the old content or the complete new content: the
/// bytes go to a temporary file in the same folder, are flushed to disk, and the temporary file is
/// then renamed over the target. Any failure or cancellation removes the temporary file.
/// </summary>
internal static class AtomicFile
{
    public static Task WriteAsync(string path, byte[] content, bool overwrite, CancellationToken cancellationToken) =>
        WriteAsync(path, (stream, ct) => stream.WriteAsync(content, ct).AsTask(), overwrite, cancellationToken);

    /// <summary>Writes through <paramref name="write"/>, which may throw; nothing reaches <paramref name="path"/> unless it completes.</summary>
    public static async Task WriteAsync(string path, Func<Stream, CancellationToken, Task> write, bool overwrite, CancellationToken cancellationToken)
    {
        var fullPath = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(fullPath) ?? throw new ImageSaveException(path, "the path has no folder");
        if (!Directory.Exists(folder))
        {
            throw new ImageSaveException(path, $"the folder '{folder}' does not exist; create it first");
        }

        if (!overwrite && File.Exists(fullPath))
        {
            throw new ImageSaveException(path, "a file already exists there and overwriting was not allowed");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var temporary = Path.Combine(folder, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
            await using (stream.ConfigureAwait(false))
            {
                await write(stream, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            cancellationToken.ThrowIfCancellationRequested();
            await ReplaceAsync(temporary, fullPath, overwrite, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            TryDelete(temporary);
            if (ex is IOException and not ImageException || ex is UnauthorizedAccessException)
            {
                var reason = !overwrite && File.Exists(fullPath)
                    ? "a file already exists there and overwriting was not allowed"
                    : OperatingSystem.IsWindows() && IsInUseOnWindows(ex)
                        ? "the file is open in another program, and Windows does not replace an open file; close it and try again"
                        : $"the file system refused the write ({ex.Message})";
                throw new ImageSaveException(path, reason, ex);
            }

            throw;
        }
    }

    /// <summary>
    /// Renames the temporary file over the target. On Windows a file that another program holds open
    /// cannot be replaced; such holds are often brief (virus scanners, indexers, thumbnailers), so
    /// the rename is tried a few more times before giving up. A rename on Unix replaces an open file.
    /// </summary>
    private static async Task ReplaceAsync(string temporary, string target, bool overwrite, CancellationToken cancellationToken)
    {
        const int Attempts = 5;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                File.Move(temporary, target, overwrite);
                return;
            }
            catch (Exception ex) when (attempt < Attempts && OperatingSystem.IsWindows() && IsInUseOnWindows(ex))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>A sharing or lock violation, or the access denial Windows gives for a file open without delete sharing.</summary>
    private static bool IsInUseOnWindows(Exception ex) =>
        ex is UnauthorizedAccessException || (ex is IOException io && (io.HResult & 0xFFFF) is 32 or 33);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the original failure is the one worth reporting.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
