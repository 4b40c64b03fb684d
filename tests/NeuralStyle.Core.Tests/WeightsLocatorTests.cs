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
        foreach (var name in new[] { WeightsLocator.PathVariable, WeightsLocator.UrlVariable, "XDG_CACHE_HOME" })
        {
            _saved[name] = Environment.GetEnvironmentVariable(name);
        }

        Environment.SetEnvironmentVariable(WeightsLocator.PathVariable, null);
        Environment.SetEnvironmentVariable(WeightsLocator.UrlVariable, null);
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
        var port = UnusedPort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var serving = Task.Run(async () =>
        {
            var context = await listener.GetContextAsync();
            var body = new byte[100_000];
            context.Response.ContentLength64 = body.Length;
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        });
        Environment.SetEnvironmentVariable(WeightsLocator.UrlVariable, $"http://127.0.0.1:{port}/vgg19.h5");
        var reports = new List<WeightsDownloadProgress>();

        var ex = await Assert.ThrowsAsync<WeightsException>(
            () => WeightsLocator.ResolveAsync(null, new SynchronousProgress<WeightsDownloadProgress>(reports.Add), CancellationToken.None));

        await serving;
        Assert.Contains("MD5", ex.Message);
        Assert.Empty(CacheEntries());
        Assert.Equal(100_000, reports[^1].BytesReceived);
        Assert.Equal(100_000, reports[^1].TotalBytes);
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

    private static int UnusedPort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
