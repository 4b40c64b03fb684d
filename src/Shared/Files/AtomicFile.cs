using NeuralStyle.Imaging;

namespace NeuralStyle;

/// <summary>
/// Writes a file so that readers only ever see the old content or the complete new content: the
/// bytes go to a temporary file in the same folder, are flushed to disk, and the temporary file is
/// then renamed over the target. Any failure or cancellation removes the temporary file, and no
/// message names it: they speak of the target. Temporary files are named by <see cref="TemporaryFiles"/>.
/// </summary>
internal static class AtomicFile
{
    /// <summary>
    /// Why nothing could be written to <paramref name="path"/>, or null when it can: checked before
    /// any work, so that a run does not end in a write that was bound to fail. The path must not be a
    /// folder, its folder must exist and take a new file (proven by making and removing one), and an
    /// existing file must be allowed to be replaced.
    /// </summary>
    /// <param name="path">The file to be written.</param>
    /// <param name="overwrite">Whether an existing file may be replaced.</param>
    /// <param name="overwriteHint">What the caller's user does to allow replacing (for the message), e.g. "add --overwrite to replace it".</param>
    public static string? WhyNotWritable(string path, bool overwrite, string overwriteHint)
    {
        var fullPath = Path.GetFullPath(path);
        if (Directory.Exists(fullPath))
        {
            return "it is a folder; name a file inside it";
        }

        var folder = Path.GetDirectoryName(fullPath);
        if (folder is null)
        {
            return "the path has no folder";
        }

        if (!Directory.Exists(folder))
        {
            return $"the folder '{folder}' does not exist; create it first";
        }

        if (!overwrite && File.Exists(fullPath))
        {
            return $"a file already exists there; {overwriteHint}";
        }

        var probe = TemporaryFiles.NameFor(fullPath);
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }

            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return $"the folder '{folder}' does not allow this user to create files in it";
        }
        catch (IOException ex)
        {
            return $"the file system refused a new file in '{folder}' ({Untemporary(ex.Message, probe, fullPath)})";
        }
    }

    /// <summary>Writes through <paramref name="write"/> on the calling thread; see <see cref="WriteAsync(string, Func{Stream, CancellationToken, Task}, bool, CancellationToken)"/>.</summary>
    public static void Write(string path, Action<Stream> write, bool overwrite) =>
        WriteAsync(path, (stream, _) => { write(stream); return Task.CompletedTask; }, overwrite, CancellationToken.None).GetAwaiter().GetResult();

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
        var temporary = TemporaryFiles.NameFor(fullPath);
        try
        {
            await WriteThenReplaceAsync(temporary, fullPath, (path, token) => WriteStreamAsync(path, write, token), overwrite, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            if (ex is IOException and not ImageException || ex is UnauthorizedAccessException)
            {
                var reason = !overwrite && File.Exists(fullPath)
                    ? "a file already exists there and overwriting was not allowed"
                    : OperatingSystem.IsWindows() && IsInUseOnWindows(ex)
                        ? "the file is open in another program, and Windows does not replace an open file; close it and try again"
                        : Directory.Exists(fullPath)
                            ? "it is a folder; name a file inside it"
                            : $"the file system refused the write ({Untemporary(ex.Message, temporary, fullPath)})";
                throw new ImageSaveException(path, reason, ex);
            }

            throw;
        }
    }

    /// <summary>
    /// Writes <paramref name="path"/> through <paramref name="writeTo"/>, which creates the temporary
    /// file whose path it is given (for a program that writes files itself, such as ffmpeg); the
    /// file then replaces the target, or is removed on any failure or cancellation. Failures pass
    /// through untranslated: the caller says what was being written.
    /// </summary>
    public static Task WriteThroughPathAsync(string path, Func<string, CancellationToken, Task> writeTo, bool overwrite, CancellationToken cancellationToken)
    {
        var fullPath = Path.GetFullPath(path);
        return WriteThenReplaceAsync(TemporaryFiles.NameFor(fullPath), fullPath, writeTo, overwrite, cancellationToken);
    }

    /// <summary>Writes the temporary file, then renames it over the target; removes it on any failure.</summary>
    private static async Task WriteThenReplaceAsync(string temporary, string target, Func<string, CancellationToken, Task> writeTo, bool overwrite, CancellationToken cancellationToken)
    {
        try
        {
            await writeTo(temporary, cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            await ReplaceAsync(temporary, target, overwrite, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>A new file at <paramref name="path"/> written through <paramref name="write"/> and flushed to disk.</summary>
    private static async Task WriteStreamAsync(string path, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            await write(stream, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
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

    /// <summary>A system message with the temporary file's name replaced by the target's: the user never named the temporary file.</summary>
    private static string Untemporary(string message, string temporary, string target) =>
        message.Replace(temporary, target, StringComparison.Ordinal).Replace(Path.GetFileName(temporary), Path.GetFileName(target), StringComparison.Ordinal);

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
