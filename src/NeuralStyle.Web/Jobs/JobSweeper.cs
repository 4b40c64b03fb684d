using Microsoft.Extensions.Options;
using NeuralStyle.Web.Configuration;

namespace NeuralStyle.Web.Jobs;

/// <summary>Calls <see cref="JobScheduler.Sweep"/> every <see cref="WebAppOptions.SweepInterval"/>.</summary>
internal sealed partial class JobSweeper(JobScheduler scheduler, IOptions<WebAppOptions> options, TimeProvider time, ILogger<JobSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    scheduler.Sweep();
                }
                catch (IOException ex)
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweeping old jobs failed; the next sweep tries again")]
    private partial void LogSweepFailed(Exception exception);
}
