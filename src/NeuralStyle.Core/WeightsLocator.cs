using System.Security.Cryptography;

namespace NeuralStyle;

/// <summary>
/// Finds the VGG19 weights: an explicit path → <c>NEURALSTYLE_VGG19_WEIGHTS</c> → the user's cache
/// folder → a download of the official Keras file, checked against the MD5 Keras uses and written
/// atomically into the cache.
/// </summary>
internal static class WeightsLocator
{
    public const string PathVariable = "NEURALSTYLE_VGG19_WEIGHTS";
    public const string UrlVariable = "NEURALSTYLE_VGG19_URL";
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
        await DownloadAsync(string.IsNullOrWhiteSpace(url) ? OfficialUrl : url, cached, progress, cancellationToken).ConfigureAwait(false);
        return cached;
    }

    /// <summary>$XDG_CACHE_HOME/neuralstyle, else ~/.cache/neuralstyle; %LOCALAPPDATA%\neuralstyle on Windows.</summary>
    public static string CacheFolder()
    {
        if (OperatingSystem.IsWindows())
        {
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "neuralstyle");
        }

        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        return !string.IsNullOrWhiteSpace(xdg)
            ? Path.Combine(xdg, "neuralstyle")
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "neuralstyle");
    }

    private static async Task DownloadAsync(string url, string destination, IProgress<WeightsDownloadProgress>? progress, CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(destination)!;
        var temporary = destination + "." + Guid.NewGuid().ToString("N") + ".part";
        try
        {
            Directory.CreateDirectory(folder);
            using var client = new HttpClient { Timeout = TimeSpan.FromMinutes(30) };
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            var total = response.Content.Headers.ContentLength;
            using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
            var source = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (source.ConfigureAwait(false))
            {
                var target = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
                await using (target.ConfigureAwait(false))
                {
                    var buffer = new byte[1 << 16];
                    long received = 0;
                    int read;
                    while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                        md5.AppendData(buffer, 0, read);
                        received += read;
                        progress?.Report(new WeightsDownloadProgress(received, total));
                    }

                    target.Flush(flushToDisk: true);
                }
            }

            var actual = Convert.ToHexStringLower(md5.GetHashAndReset());
            if (actual != OfficialMd5)
            {
                throw new WeightsException(
                    $"The VGG19 weights downloaded from {url} have MD5 {actual}, not the expected {OfficialMd5}; the download is corrupt and was discarded. Try again.",
                    destination);
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
