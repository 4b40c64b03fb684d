using System.Data.Common;
using Microsoft.Extensions.Options;
using NeuralStyle.Web.Configuration;
using NeuralStyle.Web.Store;

namespace NeuralStyle.Web.Jobs;

/// <summary>
/// Every <see cref="WebAppOptions.SweepInterval"/>: notes the jobs this front end streams as watched,
/// then sweeps the store (<see cref="IJobStore.SweepAsync"/>): cancels jobs no one has watched for
/// <see cref="WebAppOptions.AbandonAfter"/>, ends cancelled jobs whose worker is gone, and deletes jobs
/// finished more than <see cref="WebAppOptions.ResultLifetime"/> ago. Every process sweeps; a sweep is
/// one transaction, so sweeps from several processes do not conflict.
/// </summary>
internal sealed partial class JobSweeper(IJobStore store, JobWatchers watchers, IOptions<WebAppOptions> options, TimeProvider time, ILogger<JobSweeper> logger) : BackgroundService
{
    /// <summary>One sweep, now.</summary>
    public async Task SweepAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        foreach (var id in watchers.Watched())
        {
            await store.TouchAsync(id, now, cancellationToken).ConfigureAwait(false);
        }

        var (abandoned, deleted) = await store.SweepAsync(now, options.Value.AbandonAfter, options.Value.ResultLifetime, cancellationToken).ConfigureAwait(false);
        if (abandoned + deleted > 0)
        {
            LogSwept(abandoned, deleted);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await SweepAsync(stoppingToken);
                }
                catch (DbException ex)
                {
                    LogSweepFailed(ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The app is stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Swept the jobs: {Abandoned} abandoned, {Deleted} expired and deleted")]
    private partial void LogSwept(int abandoned, int deleted);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweeping old jobs failed; the next sweep tries again")]
    private partial void LogSweepFailed(Exception exception);
}
