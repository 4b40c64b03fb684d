using System.Net;
using System.Net.Sockets;

namespace NeuralStyle.Core.Tests;

/// <summary>
/// Where the weights are looked for, in order, and what happens when they must be downloaded.
/// These tests change process environment variables and restore them (tests run one at a time).
/// </summary>
public sealed class WeightsLocatorTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("neuralstyle-locator-").FullName;
    private readonly Dictionary<string, string?> _saved = new();

    public WeightsLocatorTests()
    {
        foreach (var name in new[] { WeightsLocator.PathVariable, WeightsLocator.UrlVariable, WeightsLocator.Md5Variable, "XDG_CACHE_HOME" })
        {
            _saved[name] = Environment.GetEnvironmentVariable(name);
        }

        Environment.SetEnvironmentVariable(WeightsLocator.PathVariable, null);
        Environment.SetEnvironmentVariable(WeightsLocator.UrlVariable, null);
        Environment.SetEnvironmentVariable(WeightsLocator.Md5Variable, null);
        Environment.SetEnvironmentVariable("XDG_CACHE_HOME", Path.Combine(_folder, "cache"));
    }

    [Fact]
    public async Task Explicit_path_comes_first_and_must_exist()
    {
        var explicitFile = Touch("explicit.h5");
        Environment.SetEnvironmentVariable(WeightsLocator.PathVariable, Touch("from-variable.h5"));

        Assert.Equal(explicitFile, await WeightsLocator.ResolveAsync(explicitFile, null, CancellationToken.None));
        var missing = Path.Combine(_folder, "missing.h5");
        var ex = await Assert.ThrowsAsync<WeightsException>(() => WeightsLocator.ResolveAsync(missing, null, CancellationToken.None));
        Assert.Contains(missing, ex.Message);
    }

    [Fact]
    public async Task Environment_variable_comes_before_the_cache()
    {
        var fromVariable = Touch("from-variable.h5");
        Environment.SetEnvironmentVariable(WeightsLocator.PathVariable, fromVariable);
        Touch(Path.Combine("cache", "neuralstyle", WeightsLocator.FileName));

        Assert.Equal(fromVariable, await WeightsLocator.ResolveAsync(null, null, CancellationToken.None));
    }

    [Fact]
    public async Task Cache_folder_follows_xdg_cache_home()
    {
        var cached = Touch(Path.Combine("cache", "neuralstyle", WeightsLocator.FileName));

        Assert.Equal(cached, await WeightsLocator.ResolveAsync(null, null, CancellationToken.None));
    }

    [Theory]
    [InlineData("Windows", null, @"C:\Users\ada\AppData\Local/neuralstyle")]
    [InlineData("Windows", "/xdg", @"C:\Users\ada\AppData\Local/neuralstyle")]
    [InlineData("MacOS", null, "/Users/ada/Library/Caches/neuralstyle")]
    [InlineData("MacOS", "/xdg", "/xdg/neuralstyle")]
    [InlineData("Unix", null, "/Users/ada/.cache/neuralstyle")]
    [InlineData("Unix", "/xdg", "/xdg/neuralstyle")]
    public void Each_os_has_its_conventional_cache_folder(string platform, string? xdg, string expected)
    {
        string Folder(Environment.SpecialFolder folder) => folder switch
        {
            Environment.SpecialFolder.LocalApplicationData => @"C:\Users\ada\AppData\Local",
            Environment.SpecialFolder.UserProfile => "/Users/ada",
            _ => throw new ArgumentOutOfRangeException(nameof(folder)),
        };

        var folder = WeightsLocator.CacheFolderFor(Enum.Parse<WeightsLocator.CachePlatform>(platform), name => name == "XDG_CACHE_HOME" ? xdg : null, Folder);

        Assert.Equal(expected, folder);
    }

    [Fact]
    public async Task Offline_with_nothing_found_says_where_to_put_the_file_and_which_variable_to_set()
    {
        Environment.SetEnvironmentVariable(WeightsLocator.UrlVariable, $"http://127.0.0.1:{UnusedPort()}/vgg19.h5");

        var ex = await Assert.ThrowsAsync<WeightsException>(() => WeightsLocator.ResolveAsync(null, null, CancellationToken.None));

        Assert.Contains(WeightsLocator.PathVariable, ex.Message);
        Assert.Contains(Path.Combine(_folder, "cache", "neuralstyle", WeightsLocator.FileName), ex.Message);
        Assert.Contains(WeightsLocator.OfficialUrl, ex.Message);
        Assert.Empty(CacheEntries());
    }

    [Fact]
    public async Task Download_with_the_wrong_checksum_is_discarded()
    {
        using var listener = StartLocalServer(out var url);
        var serving = Task.Run(async () =>
        {
            var context = await listener.GetContextAsync();
            var body = new byte[100_000];
            context.Response.ContentLength64 = body.Length;
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        });
        Environment.SetEnvironmentVariable(WeightsLocator.UrlVariable, url);
        var reports = new List<WeightsDownloadProgress>();

        var ex = await Assert.ThrowsAsync<WeightsException>(
            () => WeightsLocator.ResolveAsync(null, new SynchronousProgress<WeightsDownloadProgress>(reports.Add), CancellationToken.None));

        await serving;
        Assert.Contains("MD5", ex.Message);
        Assert.Empty(CacheEntries());
        Assert.Equal(100_000, reports[^1].BytesReceived);
        Assert.Equal(100_000, reports[^1].TotalBytes);
    }

    [Fact]
    public async Task Download_cut_short_leaves_nothing_and_a_later_good_download_succeeds()
    {
        var body = new byte[200_000];
        new Random(5).NextBytes(body);
        using var listener = StartLocalServer(out var url);
        var serving = Task.Run(async () =>
        {
            // First request: promise 200 000 bytes, send half, drop the connection.
            var first = await listener.GetContextAsync();
            first.Response.ContentLength64 = body.Length;
            await first.Response.OutputStream.WriteAsync(body.AsMemory(0, 100_000));
            await first.Response.OutputStream.FlushAsync();
            first.Response.Abort();

            // Second request: the whole file.
            var second = await listener.GetContextAsync();
            second.Response.ContentLength64 = body.Length;
            await second.Response.OutputStream.WriteAsync(body);
            second.Response.Close();
        });
        Environment.SetEnvironmentVariable(WeightsLocator.UrlVariable, url);
        Environment.SetEnvironmentVariable(WeightsLocator.Md5Variable, Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(body)));

        var ex = await Assert.ThrowsAsync<WeightsException>(() => WeightsLocator.ResolveAsync(null, null, CancellationToken.None));
        Assert.Contains("downloading them", ex.Message);
        Assert.Empty(CacheEntries());

        var path = await WeightsLocator.ResolveAsync(null, null, CancellationToken.None);
        await serving;
        Assert.Equal(body, await File.ReadAllBytesAsync(path));
        Assert.Equal([path], CacheEntries());
    }

    [SkippableFact]
    public async Task A_cache_folder_that_cannot_be_created_is_a_clear_error()
    {
        // /proc refuses new folders even to root, so this is read-only for every user.
        Skip.IfNot(OperatingSystem.IsLinux());
        Environment.SetEnvironmentVariable("XDG_CACHE_HOME", "/proc/neuralstyle-test-cache");
        Environment.SetEnvironmentVariable(WeightsLocator.UrlVariable, $"http://127.0.0.1:{UnusedPort()}/vgg19.h5");

        var ex = await Assert.ThrowsAsync<WeightsException>(() => WeightsLocator.ResolveAsync(null, null, CancellationToken.None));

        Assert.Contains("/proc/neuralstyle-test-cache/neuralstyle", ex.Message);
        Assert.Contains("read-only or full", ex.Message);
        Assert.Contains(WeightsLocator.PathVariable, ex.Message);
    }

    [Fact]
    public async Task A_full_disk_during_the_download_is_a_clear_error_and_leaves_nothing()
    {
        var body = new byte[300_000];
        using var listener = StartLocalServer(out var url);
        var serving = Task.Run(async () =>
        {
            var context = await listener.GetContextAsync();
            context.Response.ContentLength64 = body.Length;
            try
            {
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
            catch (HttpListenerException)
            {
                // The client stopped reading when its disk filled up.
            }
        });
        var folder = Path.Combine(_folder, "cache", "neuralstyle");
        var destination = Path.Combine(folder, WeightsLocator.FileName);

        var ex = await Assert.ThrowsAsync<WeightsException>(() => WeightsLocator.DownloadAsync(
            url, destination, WeightsLocator.OfficialMd5, null, CancellationToken.None, path => new FullDiskStream(path, 100_000)));
        listener.Stop();
        await serving;

        Assert.Contains("read-only or full", ex.Message);
        Assert.Empty(CacheEntries());
    }

    public void Dispose()
    {
        foreach (var (name, value) in _saved)
        {
            Environment.SetEnvironmentVariable(name, value);
        }

        Directory.Delete(_folder, recursive: true);
    }

    private string Touch(string relative)
    {
        var path = Path.Combine(_folder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "weights");
        return path;
    }

    private string[] CacheEntries()
    {
        var cache = Path.Combine(_folder, "cache", "neuralstyle");
        return Directory.Exists(cache) ? Directory.GetFileSystemEntries(cache) : [];
    }

    /// <summary>An HTTP server on 127.0.0.1 at a free port; <paramref name="url"/> is the weights file's address on it.</summary>
    private static HttpListener StartLocalServer(out string url)
    {
        var port = UnusedPort();
        var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        url = $"http://127.0.0.1:{port}/vgg19.h5";
        return listener;
    }

    private static int UnusedPort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    /// <summary>A real file that fails like a full disk (ENOSPC) once it holds <c>capacity</c> bytes.</summary>
    private sealed class FullDiskStream(string path, long capacity) : FileStream(path, FileMode.CreateNew, FileAccess.Write)
    {
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            Length + buffer.Length > capacity
                ? ValueTask.FromException(new IOException("No space left on device"))
                : base.WriteAsync(buffer, cancellationToken);
    }
}
