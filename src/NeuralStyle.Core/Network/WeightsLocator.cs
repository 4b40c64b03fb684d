using System.Security.Cryptography;

namespace NeuralStyle;

/// <summary>
/// Finds the VGG19 weights: an explicit path, then <c>NEURALSTYLE_VGG19_WEIGHTS</c>, then the user's
/// cache folder, then a download of the official Keras file (or of <c>NEURALSTYLE_VGG19_URL</c>, a mirror),
/// checked against the MD5 Keras uses (or <c>NEURALSTYLE_VGG19_MD5</c>) and written atomically into the cache.
/// </summary>
internal static class WeightsLocator
{
    /// <summary>The platforms whose cache folder conventions differ.</summary>
    internal enum CachePlatform
    {
        Windows,
        MacOS,
        Unix,
    }

    public const string PathVariable = "NEURALSTYLE_VGG19_WEIGHTS";
    public const string UrlVariable = "NEURALSTYLE_VGG19_URL";
    public const string Md5Variable = "NEURALSTYLE_VGG19_MD5";
    public const string FileName = "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5";
    public const string OfficialUrl = "https://storage.googleapis.com/tensorflow/keras-applications/vgg19/" + FileName;
    public const string OfficialMd5 = "253f8cb515780f3b799900260a226db6";

    public static async Task<string> ResolveAsync(string? explicitPath, IProgress<WeightsDownloadProgress>? progress, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return File.Exists(explicitPath)
                ? explicitPath
                : throw new WeightsException($"The VGG19 weights file '{explicitPath}' given in the options does not exist.", explicitPath);
        }

        var fromEnvironment = Environment.GetEnvironmentVariable(PathVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return File.Exists(fromEnvironment)
                ? fromEnvironment
                : throw new WeightsException($"The VGG19 weights file '{fromEnvironment}' named by {PathVariable} does not exist.", fromEnvironment);
        }

        var cached = Path.Combine(CacheFolder(), FileName);
        if (File.Exists(cached))
        {
            return cached;
        }

        var url = Environment.GetEnvironmentVariable(UrlVariable);
        var md5 = Environment.GetEnvironmentVariable(Md5Variable);
        await DownloadAsync(
            string.IsNullOrWhiteSpace(url) ? OfficialUrl : url,
            cached,
            string.IsNullOrWhiteSpace(md5) ? OfficialMd5 : md5.Trim().ToLowerInvariant(),
            progress,
            cancellationToken).ConfigureAwait(false);
        return cached;
    }

    /// <summary>
    /// The user's cache folder for NeuralStyle on this OS: <c>%LOCALAPPDATA%\neuralstyle</c> on Windows;
    /// <c>$XDG_CACHE_HOME/neuralstyle</c> where that variable is set, else <c>~/Library/Caches/neuralstyle</c>
    /// on macOS and <c>~/.cache/neuralstyle</c> on Linux and other Unix systems.
    /// </summary>
    public static string CacheFolder() => CacheFolderFor(
        OperatingSystem.IsWindows() ? CachePlatform.Windows : OperatingSystem.IsMacOS() ? CachePlatform.MacOS : CachePlatform.Unix,
        Environment.GetEnvironmentVariable,
        Environment.GetFolderPath);

    /// <summary>The cache folder for <paramref name="platform"/>, given how to read variables and special folders there.</summary>
    internal static string CacheFolderFor(CachePlatform platform, Func<string, string?> variable, Func<Environment.SpecialFolder, string> folder)
    {
        if (platform == CachePlatform.Windows)
        {
            return Path.Combine(folder(Environment.SpecialFolder.LocalApplicationData), "neuralstyle");
        }

        var xdg = variable("XDG_CACHE_HOME");
        if (!string.IsNullOrWhiteSpace(xdg))
        {
            return Path.Combine(xdg, "neuralstyle");
        }

        var home = folder(Environment.SpecialFolder.UserProfile);
        return platform == CachePlatform.MacOS
            ? Path.Combine(home, "Library", "Caches", "neuralstyle")
            : Path.Combine(home, ".cache", "neuralstyle");
    }

    /// <summary>
    /// Downloads <paramref name="url"/> to a temporary file beside <paramref name="destination"/>,
    /// checks its MD5, and only then renames it into place: a failed, cut-short or corrupt download
    /// leaves nothing behind.
    /// </summary>
    /// <remarks><c>openTemporary</c> opens the temporary file for writing (tests substitute a failing stream).</remarks>
    internal static async Task DownloadAsync(
        string url,
        string destination,
        string expectedMd5,
        IProgress<WeightsDownloadProgress>? progress,
        CancellationToken cancellationToken,
        Func<string, Stream>? openTemporary = null)
    {
        var folder = Path.GetDirectoryName(destination)!;
        var temporary = destination + "." + Guid.NewGuid().ToString("N") + ".part";
        var target = OpenTemporary(openTemporary, temporary, folder, destination);
        try
        {
            await using (target.ConfigureAwait(false))
            {
                var actual = await DownloadToAsync(url, target, folder, destination, progress, cancellationToken).ConfigureAwait(false);
                if (actual != expectedMd5)
                {
                    throw new WeightsException(
                        $"The VGG19 weights downloaded from {url} have MD5 {actual}, not the expected {expectedMd5}; the download is corrupt and was discarded. Try again.",
                        destination);
                }
            }

            File.Move(temporary, destination, overwrite: true);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or UnauthorizedAccessException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new WeightsException(
                $"No VGG19 weights were found and downloading them from {url} failed ({ex.Message}). Download the file yourself from " +
                $"{OfficialUrl} and put it at '{destination}', or set the environment variable {PathVariable} to its path, " +
                "or pass the path in the options (WeightsPath).",
                destination,
                ex);
        }
        finally
        {
            TryDelete(temporary);
        }
    }

    /// <summary>Creates the cache folder and opens the temporary file, turning a failure into a <see cref="WeightsException"/> about the cache.</summary>
    private static Stream OpenTemporary(Func<string, Stream>? open, string temporary, string folder, string destination)
    {
        open ??= path => new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        try
        {
            Directory.CreateDirectory(folder);
            return open(temporary);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw CacheNotWritable(folder, destination, ex);
        }
    }

    /// <summary>
    /// Streams <paramref name="url"/> into <paramref name="target"/>, reporting progress, checks that
    /// the whole body arrived, flushes it to disk, and returns its MD5 (lower-case hex).
    /// </summary>
    private static async Task<string> DownloadToAsync(
        string url, Stream target, string folder, string destination, IProgress<WeightsDownloadProgress>? progress, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromMinutes(30) };
        using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var total = response.Content.Headers.ContentLength;
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        var source = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        long received = 0;
        await using (source.ConfigureAwait(false))
        {
            var buffer = new byte[1 << 16];
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                await WriteToCacheAsync(target, buffer.AsMemory(0, read), folder, destination, cancellationToken).ConfigureAwait(false);
                md5.AppendData(buffer, 0, read);
                received += read;
                progress?.Report(new WeightsDownloadProgress(received, total));
            }
        }

        if (total is { } expectedLength && received != expectedLength)
        {
            throw new IOException($"the server sent {received} of {expectedLength} bytes");
        }

        await WriteToCacheAsync(target, ReadOnlyMemory<byte>.Empty, folder, destination, cancellationToken, flush: true).ConfigureAwait(false);
        return Convert.ToHexStringLower(md5.GetHashAndReset());
    }

    /// <summary>Writes (or flushes) the temporary file, turning a disk error into a <see cref="WeightsException"/> about the cache.</summary>
    private static async Task WriteToCacheAsync(Stream target, ReadOnlyMemory<byte> data, string folder, string destination, CancellationToken cancellationToken, bool flush = false)
    {
        try
        {
            if (flush)
            {
                await target.FlushAsync(cancellationToken).ConfigureAwait(false);
                if (target is FileStream file)
                {
                    file.Flush(flushToDisk: true);
                }
            }
            else
            {
                await target.WriteAsync(data, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw CacheNotWritable(folder, destination, ex);
        }
    }

    private static WeightsException CacheNotWritable(string folder, string destination, Exception ex) => new(
        $"The VGG19 weights could not be written to the cache folder '{folder}' ({ex.Message}); it may be read-only or full. " +
        $"Free space there, point XDG_CACHE_HOME at a writable folder, or download {OfficialUrl} yourself and set {PathVariable} to its path.",
        destination,
        ex);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
