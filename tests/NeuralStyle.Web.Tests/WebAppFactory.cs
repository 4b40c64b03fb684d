using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NeuralStyle.Web.Jobs;
using NeuralStyle.Web.Store;

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

    /// <summary>The app's job store.</summary>
    public IJobStore Store => Services.GetRequiredService<IJobStore>();

    /// <summary>The app's worker.</summary>
    public JobWorker Worker => Services.GetRequiredService<JobWorker>();

    /// <summary>How many jobs the store holds, read from the SQLite file itself.</summary>
    public int StoredJobCount()
    {
        using var connection = OpenStoreFile();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM jobs";
        return Convert.ToInt32(command.ExecuteScalar());
    }

    /// <summary>The ids of the jobs the store holds, read from the SQLite file itself.</summary>
    public IReadOnlyList<string> StoredJobIds()
    {
        using var connection = OpenStoreFile();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM jobs ORDER BY seq";
        using var reader = command.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    /// <summary>A job's settings fields as the store keeps them (JSON), read from the SQLite file itself.</summary>
    public string StoredSettings(string id)
    {
        using var connection = OpenStoreFile();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT settings FROM jobs WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        return (string)command.ExecuteScalar()!;
    }

    /// <summary>The kinds of file the store keeps for a job (content, style0, checkpoint, preview, result), read from the SQLite file itself.</summary>
    public IReadOnlyList<string> StoredFileKinds(string id)
    {
        using var connection = OpenStoreFile();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT kind FROM job_files WHERE job_id = $id ORDER BY kind";
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        var kinds = new List<string>();
        while (reader.Read())
        {
            kinds.Add(reader.GetString(0));
        }

        return kinds;
    }

    private SqliteConnection OpenStoreFile()
    {
        _ = Services; // the app (and its store) has started
        var connection = new SqliteConnection($"Data Source={Path.Combine(DataFolder, "jobs.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        return connection;
    }

    /// <summary>The files in the worker's folder (checkpoints of running jobs).</summary>
    public string[] WorkFiles()
    {
        var folder = Path.Combine(DataFolder, "work");
        return Directory.Exists(folder) ? Directory.GetFiles(folder) : [];
    }

    /// <summary>One sweep of the jobs, as the app's sweeper makes every few seconds.</summary>
    public Task SweepAsync() => Services.GetRequiredService<JobSweeper>().SweepAsync();

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
