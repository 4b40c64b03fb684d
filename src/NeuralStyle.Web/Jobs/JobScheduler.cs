using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using NeuralStyle.Imaging;
using NeuralStyle.Web.Api;
using NeuralStyle.Web.Configuration;
using NeuralStyle.Web.Uploads;

namespace NeuralStyle.Web.Jobs;

/// <summary>
/// Runs the app's jobs on the one shared <see cref="StyleTransferEngine"/>: at most
/// <see cref="WebAppOptions.MaxRunningJobs"/> at once, the rest in a first-come queue of at most
/// <see cref="WebAppOptions.MaxQueuedJobs"/>, at most <see cref="WebAppOptions.MaxJobsPerClient"/>
/// unfinished per client. Results are written under the data folder's <c>results</c> folder, named
/// by job id; <see cref="Sweep"/> cancels abandoned jobs and deletes expired ones with their files.
/// </summary>
internal sealed partial class JobScheduler : IAsyncDisposable
{
    private readonly StyleTransferEngine _engine;
    private readonly WebAppOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<JobScheduler> _logger;
    private readonly JobSettings _settings;
    private readonly object _gate = new();
    private readonly Dictionary<string, Job> _jobs = new(StringComparer.Ordinal);
    private readonly LinkedList<Job> _queue = new();
    private readonly HashSet<Task> _runs = [];
    private bool _stopping;

    public JobScheduler(
        StyleTransferEngine engine, IOptions<WebAppOptions> options, TimeProvider time, JobSettings settings, IHostApplicationLifetime lifetime, ILogger<JobScheduler> logger)
    {
        _engine = engine;
        _settings = settings;
        _options = options.Value;
        _time = time;
        _logger = logger;
        ResultsFolder = Path.Combine(_options.ResolvedDataFolder, "results");
        Directory.CreateDirectory(ResultsFolder);
        lifetime.ApplicationStopping.Register(StopTakingWork);
    }

    /// <summary>Whether the server has begun to stop: no job is taken or started any more.</summary>
    public bool IsStopping
    {
        get
        {
            lock (_gate)
            {
                return _stopping;
            }
        }
    }

    /// <summary>Where results are written: the data folder's <c>results</c> folder.</summary>
    public string ResultsFolder { get; }

    /// <summary>Queues a job for <paramref name="clientId"/> and starts it when a slot is free.</summary>
    /// <param name="options">What to run.</param>
    /// <param name="clientId">Who asks.</param>
    /// <param name="inputMemory">The reservation of the images' memory; the job owns it once this returns.</param>
    /// <exception cref="RequestRefusedException">The client has too many unfinished jobs, or the queue is full (429); the server is stopping (503).</exception>
    public Job Submit(StyleTransferOptions options, string clientId, IDisposable? inputMemory = null)
    {
        lock (_gate)
        {
            if (_stopping)
            {
                throw StoppingRefusal();
            }

            var unfinished = _jobs.Values.Count(j => j.ClientId == clientId && !j.IsFinished);
            if (unfinished >= _options.MaxJobsPerClient)
            {
                throw new RequestRefusedException(
                    StatusCodes.Status429TooManyRequests,
                    "Too many jobs",
                    $"You have {unfinished} unfinished jobs, the most one client may have; wait for one to finish or cancel it.");
            }

            var mustWait = RunningCount >= _options.MaxRunningJobs;
            if (mustWait && _queue.Count >= _options.MaxQueuedJobs)
            {
                throw new RequestRefusedException(
                    StatusCodes.Status429TooManyRequests,
                    "Queue full",
                    $"The queue is full ({_queue.Count} jobs waiting); try again in a few minutes.");
            }

            var job = new Job(NewId(), clientId, options, inputMemory, _time.GetUtcNow());
            _jobs.Add(job.Id, job);
            _queue.AddLast(job);
            LogQueued(job.Id, _queue.Count);
            StartWaitingJobs();
            return job;
        }
    }

    /// <summary>The job with this id, or null (unknown, or expired and deleted).</summary>
    public Job? Find(string id)
    {
        lock (_gate)
        {
            return _jobs.GetValueOrDefault(id);
        }
    }

    /// <summary>The job's place in the queue (1: next), or null when it is not waiting.</summary>
    public int? QueuePosition(Job job)
    {
        lock (_gate)
        {
            var position = 1;
            for (var node = _queue.First; node is not null; node = node.Next, position++)
            {
                if (node.Value == job)
                {
                    return position;
                }
            }

            return null;
        }
    }

    /// <summary>How many jobs are running now.</summary>
    public int RunningCount
    {
        get
        {
            lock (_gate)
            {
                return _jobs.Values.Count(j => j.State == JobState.Running);
            }
        }
    }

    /// <summary>Cancels a queued or running job; false when it had ended.</summary>
    public bool Cancel(Job job, string reason)
    {
        lock (_gate)
        {
            _queue.Remove(job);
            return job.Cancel(reason, _time.GetUtcNow());
        }
    }

    /// <summary>Deletes a finished job and its result file; false when it has not ended.</summary>
    public bool Delete(Job job)
    {
        lock (_gate)
        {
            if (!job.IsFinished || !_jobs.Remove(job.Id))
            {
                return false;
            }
        }

        DeleteResult(job);
        job.Dispose();
        return true;
    }

    /// <summary>
    /// Cancels unfinished jobs that no one has watched for <see cref="WebAppOptions.AbandonAfter"/>,
    /// deletes finished jobs older than <see cref="WebAppOptions.ResultLifetime"/> with their
    /// results, and deletes result files that no job owns (left by an earlier process) once they
    /// are that old.
    /// </summary>
    public void Sweep()
    {
        var now = _time.GetUtcNow();
        List<Job> expired;
        lock (_gate)
        {
            foreach (var job in _jobs.Values.Where(j => !j.IsFinished && j.IsUnwatchedSince(now - _options.AbandonAfter)).ToArray())
            {
                LogAbandoned(job.Id, _options.AbandonAfter.TotalSeconds);
                Cancel(job, $"Cancelled: no one watched the job for {_options.AbandonAfter.TotalSeconds:0} s (the page was closed).");
            }

            expired = _jobs.Values.Where(j => j.FinishedAt is { } end && now - end >= _options.ResultLifetime).ToList();
        }

        foreach (var job in expired)
        {
            Delete(job);
        }

        DeleteOrphanedResults(now);
    }

    /// <summary>
    /// The moment the server begins to stop (SIGTERM, Ctrl+C): no job is taken or started any more,
    /// and every unfinished job is cancelled, so that each event stream ends with an <c>end</c> event
    /// that says so, well within the host's shutdown timeout (a running job stops within an iteration).
    /// </summary>
    public void StopTakingWork()
    {
        lock (_gate)
        {
            if (_stopping)
            {
                return;
            }

            _stopping = true;
            LogStopping(_jobs.Values.Count(j => !j.IsFinished));
            foreach (var job in _jobs.Values.Where(j => !j.IsFinished).ToArray())
            {
                Cancel(job, StoppingMessage);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task[] runs;
        StopTakingWork();
        lock (_gate)
        {
            runs = [.. _runs];
        }

        await Task.WhenAll(runs).ConfigureAwait(false);
        foreach (var job in _jobs.Values)
        {
            job.Dispose();
        }
    }

    /// <summary>The result file of a job (which exists once it succeeded).</summary>
    public string ResultPathOf(Job job) => Path.Combine(ResultsFolder, job.Id + ".png");

    /// <summary>Starts queued jobs while slots are free. Called under the lock.</summary>
    private void StartWaitingJobs()
    {
        while (!_stopping && _queue.First is { } next && RunningCount < _options.MaxRunningJobs)
        {
            _queue.RemoveFirst();
            var job = next.Value;
            job.MarkRunning();
            var run = Task.Run(() => RunAsync(job));
            _runs.Add(run);
            _ = run.ContinueWith(
                finished =>
                {
                    lock (_gate)
                    {
                        _runs.Remove(finished);
                        StartWaitingJobs();
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    private async Task RunAsync(Job job)
    {
        if (job.Options is not { } options)
        {
            return; // It ended (cancelled) before it started.
        }

        LogStarted(job.Id, options.OutputSize, options.Iterations);
        try
        {
            var path = ResultPathOf(job);
            await foreach (var update in _engine.RunStreamingAsync(options, _options.PreviewInterval, job.CancellationToken).ConfigureAwait(false))
            {
                job.Report(update.Progress);
                if (update.Preview is { } preview)
                {
                    job.SetPreview(preview, update.Progress.Iteration);
                }

                if (update.Result is { } result)
                {
                    await result.Image.SaveAsync(path, cancellationToken: CancellationToken.None).ConfigureAwait(false);
                    job.SetPreview(result.Image, update.Progress.Iteration);
                    job.Succeed(path, _time.GetUtcNow());
                    LogFinished(job.Id, result.OptimizationTime.TotalSeconds);
                }
            }
        }
        catch (OperationCanceledException) when (job.CancellationToken.IsCancellationRequested)
        {
            job.MarkCanceled(_time.GetUtcNow());
            LogCanceled(job.Id, job.Error);
        }
        catch (Exception ex) when (ex is NeuralStyleException or ArgumentException or ImageException)
        {
            job.Fail(_settings.Message(ex), _time.GetUtcNow());
            LogFailed(job.Id, ex.Message);
        }
        catch (Exception ex)
        {
            job.Fail("The run failed unexpectedly; the server's log has the details.", _time.GetUtcNow());
            LogCrashed(ex, job.Id);
        }
    }

    private void DeleteResult(Job job)
    {
        try
        {
            File.Delete(ResultPathOf(job));
        }
        catch (IOException ex)
        {
            LogDeleteFailed(ex, job.Id);
        }
    }

    private void DeleteOrphanedResults(DateTimeOffset now)
    {
        HashSet<string> owned;
        lock (_gate)
        {
            owned = _jobs.Keys.Select(id => id + ".png").ToHashSet(StringComparer.Ordinal);
        }

        foreach (var file in new DirectoryInfo(ResultsFolder).EnumerateFiles())
        {
            if (!owned.Contains(file.Name) && now - file.LastWriteTimeUtc >= _options.ResultLifetime)
            {
                try
                {
                    file.Delete();
                }
                catch (IOException ex)
                {
                    LogDeleteFailed(ex, file.Name);
                }
            }
        }
    }

    private const string StoppingMessage = "Cancelled: the server is stopping; submit the job again once it is back.";

    /// <summary>The answer to a job submitted once the server has begun to stop.</summary>
    public static RequestRefusedException StoppingRefusal() =>
        new(StatusCodes.Status503ServiceUnavailable, "Server stopping", "The server is stopping and takes no new jobs; try again in a minute.") { RetryAfter = TimeSpan.FromSeconds(60) };

    private static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: no new jobs; {Unfinished} unfinished jobs cancelled")]
    private partial void LogStopping(int unfinished);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} queued ({Waiting} waiting)")]
    private partial void LogQueued(string jobId, int waiting);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} started: {Size} px, {Iterations} iterations")]
    private partial void LogStarted(string jobId, int size, int iterations);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} finished in {Seconds:0.0} s")]
    private partial void LogFinished(string jobId, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} cancelled: {Reason}")]
    private partial void LogCanceled(string jobId, string? reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} abandoned: not watched for {Seconds} s")]
    private partial void LogAbandoned(string jobId, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} failed: {Message}")]
    private partial void LogFailed(string jobId, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} failed unexpectedly")]
    private partial void LogCrashed(Exception exception, string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete the result of {JobId}")]
    private partial void LogDeleteFailed(Exception exception, string jobId);
}
