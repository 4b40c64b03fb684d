using System.Data.Common;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using NeuralStyle.Web.Configuration;
using NeuralStyle.Web.Store;
using NeuralStyle.Web.Uploads;

namespace NeuralStyle.Web.Jobs;

/// <summary>
/// The worker of a process whose role runs jobs: it takes jobs from the store while it has a free slot
/// (<see cref="WebAppOptions.MaxRunningJobs"/>), the oldest first (a job whose worker was lost, too), and
/// runs each as a <see cref="JobRun"/> on the process's one engine. When the process stops, its runs
/// end within an iteration and their jobs go back to the queue with their checkpoints.
/// </summary>
internal sealed partial class JobWorker : BackgroundService
{
    private readonly IJobStore _store;
    private readonly StyleTransferEngine _engine;
    private readonly JobSettings _settings;
    private readonly WebAppOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<JobWorker> _logger;
    private readonly SemaphoreSlim _slots;
    private readonly SemaphoreSlim _claiming = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly object _gate = new();
    private readonly HashSet<Task> _runs = [];

    public JobWorker(IJobStore store, StyleTransferEngine engine, JobSettings settings, IOptions<WebAppOptions> options, TimeProvider time, ILogger<JobWorker> logger)
    {
        _store = store;
        _engine = engine;
        _settings = settings;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _slots = new SemaphoreSlim(_options.MaxRunningJobs, _options.MaxRunningJobs);
        Name = $"{Environment.MachineName}-{Environment.ProcessId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";
    }

    /// <summary>The worker's name in the store (machine, process, and a random part).</summary>
    public string Name { get; }

    /// <summary>How many jobs this worker runs now.</summary>
    public int RunningCount => _options.MaxRunningJobs - _slots.CurrentCount;

    /// <summary>
    /// Takes waiting jobs into free slots now. A front end in the same process calls it after each
    /// submission, so that a job that can run at once is running when the answer goes out. Callers take
    /// turns: when it returns, every claim begun before it has been made.
    /// </summary>
    public async Task FillFreeSlotsAsync(CancellationToken cancellationToken)
    {
        await _claiming.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await ClaimIntoFreeSlotsAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _claiming.Release();
        }
    }

    private async Task ClaimIntoFreeSlotsAsync(CancellationToken cancellationToken)
    {
        while (!_stopping.IsCancellationRequested && await _slots.WaitAsync(0, cancellationToken).ConfigureAwait(false))
        {
            JobClaim? claim;
            try
            {
                claim = await _store.ClaimAsync(Name, _time.GetUtcNow(), _options.LeaseDuration, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                _slots.Release();
                throw;
            }

            if (claim is null)
            {
                _slots.Release();
                return;
            }

            Start(claim);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogStarted(Name, _options.MaxRunningJobs);
        var storeFailed = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (storeFailed)
                {
                    // Back off before asking an unreachable store again.
                    storeFailed = false;
                    await Task.Delay(TimeSpan.FromSeconds(2), TimeProvider.System, stoppingToken).ConfigureAwait(false);
                }

                await FillFreeSlotsAsync(stoppingToken).ConfigureAwait(false);
                await _store.WaitForWorkAsync(_options.LeaseDuration / 2, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (DbException ex)
            {
                LogStoreUnreachable(ex);
                storeFailed = true;
            }
        }

        Task[] runs;
        lock (_gate)
        {
            runs = [.. _runs];
        }

        await Task.WhenAll(runs).ConfigureAwait(false);
    }

    private void Start(JobClaim claim)
    {
        var run = new JobRun(claim, Name, _store, _engine, _settings, _options, _time, _logger);
        var task = Task.Run(async () =>
        {
            try
            {
                await run.RunAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                LogRunCrashed(ex, claim.Id); // the store was unreachable at the end: the lease runs out and another worker goes on
            }
            finally
            {
                _slots.Release();
            }

            if (!_stopping.IsCancellationRequested)
            {
                try
                {
                    await FillFreeSlotsAsync(_stopping.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is DbException or OperationCanceledException)
                {
                    // The main loop looks again.
                }
            }
        });
        lock (_gate)
        {
            _runs.Add(task);
        }

        _ = task.ContinueWith(
            finished =>
            {
                lock (_gate)
                {
                    _runs.Remove(finished);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker {Worker} takes jobs ({Slots} at once)")]
    private partial void LogStarted(string worker, int slots);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The job store cannot be reached; trying again in 2 s")]
    private partial void LogStoreUnreachable(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId}'s run ended without reaching the store; its lease will run out and another worker goes on")]
    private partial void LogRunCrashed(Exception exception, string jobId);
}
