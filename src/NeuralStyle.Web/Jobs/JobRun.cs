using System.Data.Common;
using NeuralStyle.Imaging;
using NeuralStyle.Web.Api;
using NeuralStyle.Web.Configuration;
using NeuralStyle.Web.Store;
using NeuralStyle.Web.Uploads;

namespace NeuralStyle.Web.Jobs;

/// <summary>
/// One worker's run of one claimed job: rebuilds its options from the stored settings and images,
/// continues from its stored checkpoint when it has one, and reports to the store every half second
/// (progress, losses, previews, each new checkpoint), which renews the worker's lease. It stops when
/// the job is cancelled (and records that), when the lease is lost (and writes nothing: another worker
/// has the job), or when the worker stops (and puts the job back in the queue, checkpoint and all).
/// </summary>
internal sealed partial class JobRun(
    JobClaim claim,
    string worker,
    IJobStore store,
    StyleTransferEngine engine,
    JobSettings settings,
    WebAppOptions options,
    TimeProvider time,
    ILogger logger)
{
    /// <summary>How often the run reports to the store (and renews its lease).</summary>
    public static readonly TimeSpan ReportInterval = TimeSpan.FromMilliseconds(500);

    private enum StopReason
    {
        None,
        Cancelled,
        LeaseLost,
    }

    /// <summary>Runs the job to its end; <paramref name="stopping"/> (the worker stopping) puts it back in the queue.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        var folder = Path.Combine(options.ResolvedDataFolder, "work");
        Directory.CreateDirectory(folder);
        var checkpointPath = Path.Combine(folder, claim.Id + ".checkpoint");
        try
        {
            await RunAsync(checkpointPath, stopping).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(checkpointPath);
        }
    }

    private async Task RunAsync(string checkpointPath, CancellationToken stopping)
    {
        StyleTransferOptions runOptions;
        try
        {
            runOptions = Options();
        }
        catch (RequestRefusedException ex)
        {
            await FinishAsync(new JobOutcome(JobState.Failed, ex.Message, null, null, null)).ConfigureAwait(false);
            return;
        }

        var resume = claim.Checkpoint is { } saved;
        File.Delete(checkpointPath);
        if (resume)
        {
            await File.WriteAllBytesAsync(checkpointPath, claim.Checkpoint!, CancellationToken.None).ConfigureAwait(false);
            LogResuming(claim.Id, claim.CheckpointIteration ?? 0);
        }

        LogStarted(claim.Id, runOptions.OutputSize, runOptions.Iterations);
        var reporter = new RunReporter(checkpointPath, options.MaxCheckpointBytes, bytes => LogCheckpointTooLarge(claim.Id, bytes));
        runOptions = runOptions with
        {
            CheckpointPath = checkpointPath,
            CheckpointInterval = options.CheckpointInterval,
            ResumeFrom = resume ? checkpointPath : null,
            IntermediateImage = reporter.Preview,
            IntermediateImageInterval = options.PreviewInterval,
        };

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var stop = StopReason.None;
        using var reporting = new CancellationTokenSource();
        var reports = ReportLoopAsync(reporter, reason => { stop = reason; cancel.Cancel(); }, reporting.Token);
        JobOutcome? outcome;
        try
        {
            var result = await RunEngineAsync(runOptions, reporter, checkpointPath, cancel.Token).ConfigureAwait(false);
            var progress = reporter.Latest is { } last ? JobProgress.Of(last) with { RemainingSeconds = 0 } : null;
            outcome = new JobOutcome(
                JobState.Succeeded,
                null,
                result.Image.Encode(ImageFormat.Png),
                (result.Image.Encode(ImageFormat.Jpeg, 85), result.LossHistory.Count),
                progress);
            LogFinished(claim.Id, result.OptimizationTime.TotalSeconds);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            outcome = stop switch
            {
                StopReason.Cancelled => new JobOutcome(JobState.Canceled, "Cancelled.", null, null, null),
                _ => null,
            };
        }
        catch (Exception ex) when (ex is NeuralStyleException or ArgumentException or ImageException)
        {
            outcome = new JobOutcome(JobState.Failed, settings.Message(ex), null, null, null);
            LogFailed(claim.Id, ex.Message);
        }
        catch (Exception ex)
        {
            outcome = new JobOutcome(JobState.Failed, "The run failed unexpectedly; the server's log has the details.", null, null, null);
            LogCrashed(ex, claim.Id);
        }
        finally
        {
            await reporting.CancelAsync().ConfigureAwait(false);
            await reports.ConfigureAwait(false);
        }

        if (stop == StopReason.LeaseLost)
        {
            LogLeaseLost(claim.Id);
        }
        else if (outcome is null)
        {
            // The worker is stopping: the job goes back to the queue with its latest stored checkpoint.
            await store.ReportAsync(claim.Id, worker, reporter.Take(), time.GetUtcNow(), options.LeaseDuration, CancellationToken.None).ConfigureAwait(false);
            await store.ReleaseAsync(claim.Id, worker, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
            LogReleased(claim.Id);
        }
        else
        {
            await store.ReportAsync(claim.Id, worker, reporter.Take() with { Checkpoint = null }, time.GetUtcNow(), options.LeaseDuration, CancellationToken.None).ConfigureAwait(false);
            await FinishAsync(outcome).ConfigureAwait(false);
        }
    }

    /// <summary>Runs the engine; a checkpoint it refuses (another NeuralStyle version wrote it) is dropped and the run starts afresh.</summary>
    private async Task<StyleTransferResult> RunEngineAsync(StyleTransferOptions runOptions, RunReporter reporter, string checkpointPath, CancellationToken cancellationToken)
    {
        try
        {
            return await engine.RunAsync(runOptions, reporter, cancellationToken).ConfigureAwait(false);
        }
        catch (CheckpointException ex) when (runOptions.ResumeFrom is not null)
        {
            LogCheckpointRefused(claim.Id, ex.Message);
            File.Delete(checkpointPath);
            return await engine.RunAsync(runOptions with { ResumeFrom = null }, reporter, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reports every <see cref="ReportInterval"/> until cancelled; tells <paramref name="stop"/> when the job is cancelled or no longer this worker's.</summary>
    private async Task ReportLoopAsync(RunReporter reporter, Action<StopReason> stop, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(ReportInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    var status = await store.ReportAsync(claim.Id, worker, reporter.Take(), time.GetUtcNow(), options.LeaseDuration, cancellationToken).ConfigureAwait(false);
                    if (status != LeaseStatus.Held)
                    {
                        stop(status == LeaseStatus.CancelRequested ? StopReason.Cancelled : StopReason.LeaseLost);
                        return;
                    }
                }
                catch (DbException ex)
                {
                    LogReportFailed(ex, claim.Id); // the next report tries again; the lease covers a few misses
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The run has ended.
        }
    }

    private async Task FinishAsync(JobOutcome outcome)
    {
        if (!await store.FinishAsync(claim.Id, worker, outcome, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false))
        {
            LogLeaseLost(claim.Id);
        }
    }

    /// <summary>The run's options from the stored settings and images, under this worker's limits.</summary>
    /// <exception cref="RequestRefusedException">An image or a setting is not accepted (this worker's limits are lower than the front end's).</exception>
    private StyleTransferOptions Options()
    {
        var content = UploadedImage.Decode(claim.Content, "the content image", JobUploadReader.ContentField, options.MaxPixels);
        var styles = claim.Styles.Select((bytes, i) => UploadedImage.Decode(bytes, $"style image {i + 1}", JobUploadReader.StylesField, options.MaxPixels)).ToArray();
        return settings.ToOptions(new JobUpload(content, styles, claim.Settings, claim.Content, claim.Styles, NoReservation.Instance), options);
    }

    private sealed class NoReservation : IDisposable
    {
        public static readonly NoReservation Instance = new();

        public void Dispose()
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} started: {Size} px, {Iterations} iterations")]
    private partial void LogStarted(string jobId, int size, int iterations);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} continues from its checkpoint at iteration {Iteration}")]
    private partial void LogResuming(string jobId, int iteration);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} finished in {Seconds:0.0} s")]
    private partial void LogFinished(string jobId, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} put back in the queue: this worker is stopping")]
    private partial void LogReleased(string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} is no longer this worker's (its lease ran out); its run is dropped")]
    private partial void LogLeaseLost(string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}'s checkpoint was refused ({Message}); it starts afresh")]
    private partial void LogCheckpointRefused(string jobId, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}'s checkpoint ({Bytes} bytes) is larger than MaxCheckpointBytes and is not stored")]
    private partial void LogCheckpointTooLarge(string jobId, long bytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: reporting to the store failed; the next report tries again")]
    private partial void LogReportFailed(Exception exception, string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} failed: {Message}")]
    private partial void LogFailed(string jobId, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} failed unexpectedly")]
    private partial void LogCrashed(Exception exception, string jobId);
}
