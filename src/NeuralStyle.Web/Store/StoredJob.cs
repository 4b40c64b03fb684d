using NeuralStyle.Web.Jobs;

namespace NeuralStyle.Web.Store;

/// <summary>A job as the store holds it: what any front end shows of it, whichever worker runs it.</summary>
/// <param name="Id">The job's id: 32 random hex digits, unguessable.</param>
/// <param name="ClientId">Who submitted it (an API key or an address), for the per-client limit.</param>
/// <param name="State">Queued, running, or how it ended.</param>
/// <param name="Progress">Where the run stands; null before its first iteration.</param>
/// <param name="Error">Why it failed or was cancelled (or why it is being cancelled), in one line.</param>
/// <param name="PreviewIteration">The iteration the stored preview shows; null before the first.</param>
/// <param name="HasResult">Whether the result image is stored.</param>
/// <param name="QueuePosition">While queued: its place in the queue (1: next).</param>
/// <param name="Attempts">How many times a worker has taken it (more than 1: a worker was lost or stopped).</param>
/// <param name="CheckpointIteration">The iteration the stored checkpoint was written after; null when none is stored.</param>
/// <param name="ResumedAt">The iteration its latest run continued from (a checkpoint); null when that run started afresh.</param>
/// <param name="CreatedAt">When it was submitted.</param>
/// <param name="FinishedAt">When it ended; null while queued or running.</param>
/// <param name="Version">Grows with every change a client can see: an event stream sends an event when it moves.</param>
internal sealed record StoredJob(
    string Id,
    string ClientId,
    JobState State,
    JobProgress? Progress,
    string? Error,
    int? PreviewIteration,
    bool HasResult,
    int? QueuePosition,
    int Attempts,
    int? CheckpointIteration,
    int? ResumedAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FinishedAt,
    long Version)
{
    /// <summary>Whether the job has ended (succeeded, failed or cancelled).</summary>
    public bool IsFinished => State is JobState.Succeeded or JobState.Failed or JobState.Canceled;
}
