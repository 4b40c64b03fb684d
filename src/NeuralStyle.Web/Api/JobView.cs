using NeuralStyle.Web.Jobs;
using NeuralStyle.Web.Store;

namespace NeuralStyle.Web.Api;

/// <summary>A job as the API shows it (JSON, camelCase).</summary>
internal sealed record JobView
{
    /// <summary>The job's id.</summary>
    public required string Id { get; init; }

    /// <summary>queued, running, succeeded, failed or canceled.</summary>
    public required JobState State { get; init; }

    /// <summary>While queued: the place in the queue (1: next).</summary>
    public int? QueuePosition { get; init; }

    /// <summary>Iterations done, over all scales.</summary>
    public int Iteration { get; init; }

    /// <summary>Iterations in all, over all scales.</summary>
    public int TotalIterations { get; init; }

    /// <summary>The scale being optimised (1-based) and how many there are.</summary>
    public int Scale { get; init; }

    /// <summary>How many scales the run has.</summary>
    public int ScaleCount { get; init; }

    /// <summary>The current scale's image size in pixels.</summary>
    public int Width { get; init; }

    /// <summary>The current scale's image height in pixels.</summary>
    public int Height { get; init; }

    /// <summary>Seconds since the run started computing.</summary>
    public double ElapsedSeconds { get; init; }

    /// <summary>The estimated seconds left.</summary>
    public double? RemainingSeconds { get; init; }

    /// <summary>Why it failed or was cancelled.</summary>
    public string? Error { get; init; }

    /// <summary>The latest preview image (changes with each preview), once there is one.</summary>
    public string? PreviewUrl { get; init; }

    /// <summary>The result image, once the job succeeded.</summary>
    public string? ResultUrl { get; init; }

    /// <summary>The job's event stream (server-sent events).</summary>
    public required string EventsUrl { get; init; }

    /// <summary>[iteration, total loss] pairs: all of them from GET, the new ones since the last event in an event (a run that continues from a checkpoint repeats the iterations after it).</summary>
    public required IReadOnlyList<double[]> Losses { get; init; }

    /// <summary>How many times a worker has taken the job: more than 1 when a worker was lost or stopped and another went on.</summary>
    public int Attempts { get; init; }

    /// <summary>The iteration the job's latest run continued from (its stored checkpoint) after a worker was lost or stopped; null when it started afresh.</summary>
    public int? ResumedAtIteration { get; init; }

    /// <summary>The view of <paramref name="job"/> with <paramref name="losses"/>.</summary>
    public static JobView Of(StoredJob job, IReadOnlyList<LossPoint> losses)
    {
        var progress = job.Progress;
        var root = $"/api/jobs/{job.Id}";
        return new JobView
        {
            Id = job.Id,
            State = job.State,
            QueuePosition = job.QueuePosition,
            Iteration = progress?.Iteration ?? 0,
            TotalIterations = progress?.TotalIterations ?? 0,
            Scale = progress?.Scale ?? 0,
            ScaleCount = progress?.ScaleCount ?? 0,
            Width = progress?.Width ?? 0,
            Height = progress?.Height ?? 0,
            ElapsedSeconds = Math.Round(progress?.ElapsedSeconds ?? 0, 2),
            RemainingSeconds = progress is null || job.State != JobState.Running ? null : Math.Round(progress.RemainingSeconds, 1),
            Error = job.Error,
            PreviewUrl = job.PreviewIteration is { } at ? $"{root}/preview?iteration={at}" : null,
            ResultUrl = job.HasResult ? $"{root}/result" : null,
            EventsUrl = $"{root}/events",
            Losses = losses.Select(p => new[] { p.Iteration, p.Total }).ToArray(),
            Attempts = job.Attempts,
            ResumedAtIteration = job.ResumedAt,
        };
    }
}
