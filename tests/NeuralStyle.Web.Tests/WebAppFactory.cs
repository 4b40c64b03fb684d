using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NeuralStyle.Web.Jobs;

namespace NeuralStyle.Web.Tests;

/// <summary>
/// The web app in the test process, with its own empty data folder, a hand-moved clock and the
/// given settings (configuration keys under <c>NeuralStyle:</c>). In memory by default; on a real
/// Kestrel port for the browser tests (<see cref="StartKestrel"/>).
/// </summary>
internal sealed class WebAppFactory : WebApplicationFactory<Program>
{
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly Action<IServiceCollection>? _services;

    /// <param name="settings">Configuration keys under <c>NeuralStyle:</c>.</param>
    /// <param name="services">Replaces some of the app's services (after the app's own registrations).</param>
    public WebAppFactory(IReadOnlyDictionary<string, string>? settings = null, Action<IServiceCollection>? services = null)
    {
        TestEnvironment.RequireWeights();
        _settings = settings ?? new Dictionary<string, string>();
        _services = services;
        DataFolder = Directory.CreateTempSubdirectory("neuralstyle-web-").FullName;
    }

    /// <summary>The app's data folder, deleted when the factory is disposed.</summary>
    public string DataFolder { get; }

    public ManualClock Clock { get; } = new();

    public JobScheduler Scheduler => Services.GetRequiredService<JobScheduler>();

    /// <summary>Serves the app on a free localhost port (the <c>urls</c> setting below) and returns its address.</summary>
    /// <remarks>
    /// <c>UseKestrel()</c> without a port: with a port the factory rewrites the server's addresses
    /// between building the host and starting it, while the app's own <c>RunAsync</c> may already be
    /// starting it, which fails now and then with "Addresses cannot be modified after the server has started".
    /// </remarks>
    public Uri StartKestrel()
    {
        UseKestrel();
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("urls", "http://127.0.0.1:0");
        builder.UseSetting("NeuralStyle:DataFolder", DataFolder);
        builder.UseSetting("NeuralStyle:SubmitsPerMinute", "100000"); // tests submit fast; the rate limit's own test sets it
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting($"NeuralStyle:{key}", value);
        }

        builder.ConfigureTestServices(services =>
        {
            services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock));
            _services?.Invoke(services);
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && Directory.Exists(DataFolder))
        {
            Directory.Delete(DataFolder, recursive: true);
        }
    }
}
