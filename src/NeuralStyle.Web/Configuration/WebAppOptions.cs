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

    /// <summary>
    /// What this process does: <see cref="WebRole.Both"/> (the default: serves the page and the API, and
    /// runs jobs), <see cref="WebRole.FrontEnd"/> (serves only; workers elsewhere run the jobs) or
    /// <see cref="WebRole.Worker"/> (runs jobs from the store; serves no page or API). See docs/scaling.md.
    /// </summary>
    public WebRole Role { get; set; } = WebRole.Both;

    /// <summary>
    /// The PostgreSQL database that holds the jobs, as an Npgsql connection string
    /// (<c>Host=db;Username=neuralstyle;Password=…;Database=neuralstyle</c>): every front end and worker
    /// of a deployment names the same one. Null (the default): the jobs live in a SQLite file in the
    /// data folder (<c>jobs.db</c>), for one machine.
    /// </summary>
    public string? PostgreSqlConnection { get; set; }

    /// <summary>
    /// How long a worker's hold on a running job lasts without a report (it reports every half second).
    /// A worker that dies stops reporting; once its lease has run out, another worker takes the job
    /// and continues from its latest checkpoint. Default 30 seconds.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A running job's checkpoint is stored every this many iterations: the most work a lost worker
    /// costs. Default 20.
    /// </summary>
    public int CheckpointInterval { get; set; } = 20;

    /// <summary>
    /// The largest checkpoint stored, in bytes. An L-BFGS run's checkpoint holds its curvature pairs
    /// (hundreds of megabytes at 512 px); a larger one is not stored, and the job, if its worker is
    /// lost, starts again from its last stored one or afresh. Default 64 MB.
    /// </summary>
    public long MaxCheckpointBytes { get; set; } = 64_000_000;

    /// <summary>How many jobs this worker computes at once on its engine. Default 1 (on a CPU, more rarely finish sooner).</summary>
    public int MaxRunningJobs { get; set; } = 1;

    /// <summary>How many jobs may wait for a worker, over the whole deployment; a job beyond them is refused (429). Default 8.</summary>
    public int MaxQueuedJobs { get; set; } = 8;

    /// <summary>
    /// The memory the decoded images of the uploads this front end is checking may take together, in
    /// bytes (3 per pixel); an upload that would go over it is refused with 503 and Retry-After. Waiting
    /// jobs keep their files in the store, not in memory. Default 1 GB.
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

    /// <summary>How many unfinished (queued or running) jobs one client may have at once, over the whole deployment. Default 2.</summary>
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
        Require(Enum.IsDefined(Role), $"{nameof(Role)} must be Both, FrontEnd or Worker; it was {Role}.");
        Require(PostgreSqlConnection is null || IsConnectionString(PostgreSqlConnection), $"{nameof(PostgreSqlConnection)} must be an Npgsql connection string such as Host=db;Username=neuralstyle;Password=…;Database=neuralstyle, or not set.");
        Require(LeaseDuration >= TimeSpan.FromSeconds(2), $"{nameof(LeaseDuration)} must be at least 2 seconds; it was {LeaseDuration}.");
        Require(CheckpointInterval >= 1, $"{nameof(CheckpointInterval)} must be at least 1; it was {CheckpointInterval}.");
        Require(MaxCheckpointBytes >= 0, $"{nameof(MaxCheckpointBytes)} must be at least 0; it was {MaxCheckpointBytes}.");
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

    private static bool IsConnectionString(string text)
    {
        try
        {
            return !string.IsNullOrEmpty(new Npgsql.NpgsqlConnectionStringBuilder(text).Host);
        }
        catch (ArgumentException)
        {
            return false;
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
