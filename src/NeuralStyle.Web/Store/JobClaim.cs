namespace NeuralStyle.Web.Store;

/// <summary>A job a worker has taken, with what it needs to run it: its settings, its images, and its latest checkpoint.</summary>
/// <param name="Id">The job's id.</param>
/// <param name="Settings">The form's settings fields by name.</param>
/// <param name="Content">The content image's file.</param>
/// <param name="Styles">The style images' files, in order.</param>
/// <param name="Checkpoint">The latest checkpoint an earlier worker stored; null when there is none (the run starts afresh).</param>
/// <param name="CheckpointIteration">The iteration that checkpoint was written after.</param>
internal sealed record JobClaim(string Id, IReadOnlyDictionary<string, string> Settings, byte[] Content, IReadOnlyList<byte[]> Styles, byte[]? Checkpoint, int? CheckpointIteration);

/// <summary>
/// What a worker reports of a running job: the latest progress, the losses since its last report, a
/// new preview, a new checkpoint. Each report also renews the worker's lease on the job.
/// </summary>
/// <param name="Progress">The latest progress; null when unchanged.</param>
/// <param name="Losses">Total losses by iteration since the last report.</param>
/// <param name="Preview">A new preview (JPEG) and the iteration it shows; null when none.</param>
/// <param name="Checkpoint">A new checkpoint and the iteration it was written after; null when none.</param>
internal sealed record JobReport(JobProgress? Progress, IReadOnlyList<LossPoint> Losses, (byte[] Jpeg, int Iteration)? Preview, (byte[] Bytes, int Iteration)? Checkpoint)
{
    /// <summary>A report that only renews the lease.</summary>
    public static JobReport Empty { get; } = new(null, [], null, null);

    /// <summary>Whether the report changes what a client sees.</summary>
    public bool IsVisible => Progress is not null || Losses.Count > 0 || Preview is not null;
}

/// <summary>What a worker learns when it reports: go on, stop because the job is being cancelled, or stop because the job is no longer its own.</summary>
internal enum LeaseStatus
{
    /// <summary>The lease is renewed: go on.</summary>
    Held,

    /// <summary>Someone cancelled the job: stop, and record it as cancelled.</summary>
    CancelRequested,

    /// <summary>The lease ran out and another worker took the job (or it ended): stop, and write nothing.</summary>
    Lost,
}

/// <summary>How a worker's run of a job ended.</summary>
/// <param name="State">Succeeded, failed or cancelled.</param>
/// <param name="Error">Why it failed or was cancelled (a reason already stored wins).</param>
/// <param name="Result">The result image (PNG) when it succeeded.</param>
/// <param name="Preview">The final preview (JPEG) and its iteration, when it succeeded.</param>
/// <param name="Progress">The final progress.</param>
internal sealed record JobOutcome(Jobs.JobState State, string? Error, byte[]? Result, (byte[] Jpeg, int Iteration)? Preview, JobProgress? Progress);

/// <summary>The total loss at one iteration.</summary>
internal readonly record struct LossPoint(int Iteration, double Total);
