namespace NeuralStyle.Web.Configuration;

/// <summary>
/// The web app's settings: configuration section <c>NeuralStyle</c> (appsettings.json, or environment
/// variables such as <c>NeuralStyle__MaxSize=768</c>, or command-line arguments such as
/// <c>--NeuralStyle:MaxSize=768</c>). Every limit is here; docs/web.md lists them with their defaults.
/// </summary>
internal sealed class WebAppOptions
{
    /// <summary>The configuration section the options are read from.</summary>
    public const string Section = "NeuralStyle";

    /// <summary>
    /// The app's own folder: results are written under it and nowhere else. Default: the user's local
    /// application data folder, <c>NeuralStyle/web</c> under it (~/.local/share/NeuralStyle/web on Linux).
    /// </summary>
    public string? DataFolder { get; set; }

    /// <summary>The VGG19 weights file; null finds them as the CLI does (NEURALSTYLE_VGG19_WEIGHTS, the user cache, the download).</summary>
    public string? WeightsPath { get; set; }

    /// <summary>How many jobs compute at once on the shared engine. Default 1 (on a CPU, more rarely finish sooner).</summary>
    public int MaxRunningJobs { get; set; } = 1;

    /// <summary>How many jobs may wait for a turn; a job beyond them is refused (429). Default 8.</summary>
    public int MaxQueuedJobs { get; set; } = 8;

    /// <summary>
    /// The memory the decoded images of unfinished jobs may take together, in bytes (3 per pixel); an
    /// upload that would go over it is refused with 503 and Retry-After. Default 1 GB.
    /// </summary>
    public long MaxInputMemoryBytes { get; set; } = 1_000_000_000;

    /// <summary>How many uploads are read at once; another is refused with 503 and Retry-After. Default 4.</summary>
    public int MaxConcurrentUploads { get; set; } = 4;

    /// <summary>The longest a whole upload may take, however steadily it trickles in (408 after). Default 2 minutes.</summary>
    public TimeSpan UploadTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How many jobs one client (an API key, or else an address) may submit per minute; more are refused with 429 and Retry-After. Default 20.</summary>
    public int SubmitsPerMinute { get; set; } = 20;

    /// <summary>
    /// API keys for scripts (sent as the <c>X-Api-Key</c> header). Empty (the default): the API is open to
    /// any client that sends no <c>Origin</c> header or the app's own. Set: requests that are not from
    /// the app's own page need one of these keys, and each key is one client for the limits.
    /// </summary>
    public string[] ApiKeys { get; set; } = [];

    /// <summary>How many unfinished (queued or running) jobs one client may have at once. Default 2.</summary>
    public int MaxJobsPerClient { get; set; } = 2;

    /// <summary>The largest uploaded file in bytes. Default 20 MB.</summary>
    public long MaxUploadBytes { get; set; } = 20_000_000;

    /// <summary>The largest request body in bytes (all files and fields of one job). Default 64 MB.</summary>
    public long MaxRequestBytes { get; set; } = 64_000_000;

    /// <summary>The most style images one job may have. Default 4.</summary>
    public int MaxStyles { get; set; } = 4;

    /// <summary>The largest width × height of an uploaded image, checked before its pixels are decoded. Default 40 megapixels.</summary>
    public long MaxPixels { get; set; } = 40_000_000;

    /// <summary>The largest output size (longest side, px) a job may ask for. Default 1024.</summary>
    public int MaxSize { get; set; } = 1024;

    /// <summary>The most iterations a job may ask for. Default 1000.</summary>
    public int MaxIterations { get; set; } = 1000;

    /// <summary>A preview image every this many iterations. Default 5.</summary>
    public int PreviewInterval { get; set; } = 5;

    /// <summary>How long a finished job and its result are kept before they are deleted. Default 1 hour.</summary>
    public TimeSpan ResultLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// An unfinished job that no one has watched for this long (no open event stream, no request for its
    /// state or preview) is cancelled: a closed tab does not leave its job running. Default 60 seconds.
    /// </summary>
    public TimeSpan AbandonAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often abandoned jobs and expired results are looked for. Default 5 seconds.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The folder of trained styles (<c>.onnx</c> files made by <c>neural-style train</c>) that the page offers
    /// beside "any painting". Default: the <c>styles</c> folder beside the app, which holds the styles shipped
    /// with NeuralStyle. A folder that does not exist offers none.
    /// </summary>
    public string? TrainedStylesFolder { get; set; }

    /// <summary>The trained styles' folder, with the default filled in.</summary>
    public string ResolvedTrainedStylesFolder => Path.GetFullPath(TrainedStylesFolder ?? Path.Combine(AppContext.BaseDirectory, "styles"));

    /// <summary>The data folder, with the default filled in.</summary>
    public string ResolvedDataFolder => Path.GetFullPath(DataFolder ?? Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create),
        "NeuralStyle",
        "web"));

    /// <summary>Checks the settings; the message names the setting and says what it must be.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        Require(MaxRunningJobs is >= 1 and <= 64, $"{nameof(MaxRunningJobs)} must be between 1 and 64; it was {MaxRunningJobs}.");
        Require(MaxQueuedJobs >= 0, $"{nameof(MaxQueuedJobs)} must be at least 0; it was {MaxQueuedJobs}.");
        Require(MaxJobsPerClient >= 1, $"{nameof(MaxJobsPerClient)} must be at least 1; it was {MaxJobsPerClient}.");
        Require(MaxUploadBytes >= 1024, $"{nameof(MaxUploadBytes)} must be at least 1024; it was {MaxUploadBytes}.");
        Require(MaxRequestBytes >= MaxUploadBytes, $"{nameof(MaxRequestBytes)} must be at least {nameof(MaxUploadBytes)} ({MaxUploadBytes}); it was {MaxRequestBytes}.");
        Require(MaxStyles >= 1, $"{nameof(MaxStyles)} must be at least 1; it was {MaxStyles}.");
        Require(MaxPixels >= 256, $"{nameof(MaxPixels)} must be at least 256; it was {MaxPixels}.");
        Require(MaxSize is >= 16 and <= 8192, $"{nameof(MaxSize)} must be between 16 and 8192; it was {MaxSize}.");
        Require(MaxIterations >= 1, $"{nameof(MaxIterations)} must be at least 1; it was {MaxIterations}.");
        Require(PreviewInterval >= 1, $"{nameof(PreviewInterval)} must be at least 1; it was {PreviewInterval}.");
        Require(ResultLifetime > TimeSpan.Zero, $"{nameof(ResultLifetime)} must be positive; it was {ResultLifetime}.");
        Require(AbandonAfter > TimeSpan.Zero, $"{nameof(AbandonAfter)} must be positive; it was {AbandonAfter}.");
        Require(SweepInterval > TimeSpan.Zero, $"{nameof(SweepInterval)} must be positive; it was {SweepInterval}.");
        Require(MaxInputMemoryBytes >= 1_000_000, $"{nameof(MaxInputMemoryBytes)} must be at least 1000000; it was {MaxInputMemoryBytes}.");
        Require(MaxConcurrentUploads >= 1, $"{nameof(MaxConcurrentUploads)} must be at least 1; it was {MaxConcurrentUploads}.");
        Require(UploadTimeout > TimeSpan.Zero, $"{nameof(UploadTimeout)} must be positive; it was {UploadTimeout}.");
        Require(SubmitsPerMinute >= 1, $"{nameof(SubmitsPerMinute)} must be at least 1; it was {SubmitsPerMinute}.");
        Require(ApiKeys.All(k => k.Length >= 16), $"{nameof(ApiKeys)} must each be at least 16 characters long.");
        RequireWritableDataFolder();
    }

    /// <summary>Proves that the data folder can be created and written, by writing and removing a file in it.</summary>
    private void RequireWritableDataFolder()
    {
        var folder = ResolvedDataFolder;
        try
        {
            Directory.CreateDirectory(folder);
            var probe = Path.Combine(folder, $".write-test-{Environment.ProcessId}-{Guid.NewGuid():N}");
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Require(false, $"{nameof(DataFolder)} must be a folder this user can write in; '{folder}' is not ({ex.GetType().Name}).");
        }
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException($"NeuralStyle:{message}");
        }
    }
}
