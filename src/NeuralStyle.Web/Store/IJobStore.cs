namespace NeuralStyle.Web.Store;

/// <summary>
/// Where jobs live: their records, the inputs of waiting jobs, the checkpoints of running ones, previews
/// and results. Every front end and worker of one deployment shares one store, so any front end answers
/// for any job and a restart loses none. Two stores implement it: SQLite on the local disk (the default,
/// one machine) and PostgreSQL (many machines); <see cref="SqlJobStore"/> holds what they share.
/// Thread-safe. Times come from the caller (its <see cref="TimeProvider"/>).
/// </summary>
internal interface IJobStore : IAsyncDisposable
{
    /// <summary>Creates the store's tables when they are missing. Called once, before any other member.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Adds a queued job, unless the client or the queue is at its limit (checked in the same transaction, for all front ends at once).</summary>
    Task<SubmitOutcome> SubmitAsync(JobSubmission submission, SubmitLimits limits, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The job with this id, or null (unknown, or expired and deleted).</summary>
    Task<StoredJob?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>The job's total losses after iteration <paramref name="afterIteration"/>, in order.</summary>
    Task<IReadOnlyList<LossPoint>> LossesAsync(string id, int afterIteration, CancellationToken cancellationToken);

    /// <summary>The job's latest preview (JPEG), or null.</summary>
    Task<byte[]?> PreviewAsync(string id, CancellationToken cancellationToken);

    /// <summary>The job's result (PNG), or null.</summary>
    Task<byte[]?> ResultAsync(string id, CancellationToken cancellationToken);

    /// <summary>Notes that someone watches the job now (see <see cref="SweepAsync"/>).</summary>
    Task TouchAsync(string id, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Cancels a job: a queued one ends now; a running one is marked, and its worker stops it within
    /// a report (or the sweep ends it once that worker's lease has run out).
    /// </summary>
    /// <returns>The job after the change; null when there is no such job. Unchanged when it had ended.</returns>
    Task<StoredJob?> CancelAsync(string id, string reason, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes a finished job with its files; false when there is no such job or it has not ended.</summary>
    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the oldest job that waits, or whose worker's lease has run out, for <paramref name="worker"/>
    /// until <paramref name="now"/> + <paramref name="lease"/>; null when there is none. Two workers never
    /// take the same job while a lease holds.
    /// </summary>
    Task<JobClaim?> ClaimAsync(string worker, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Stores a worker's report on its job and renews its lease; says whether to go on.</summary>
    Task<LeaseStatus> ReportAsync(string id, string worker, JobReport report, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Records how a worker's run ended; false (nothing written) when the job is no longer that worker's.</summary>
    Task<bool> FinishAsync(string id, string worker, JobOutcome outcome, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Puts a worker's job back in the queue with its checkpoint (the worker is stopping); a job being cancelled ends cancelled instead.</summary>
    Task ReleaseAsync(string id, string worker, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Cancels unfinished jobs no one has watched since <paramref name="now"/> − <paramref name="abandonAfter"/>,
    /// ends cancelled jobs whose worker is gone, and deletes jobs finished more than <paramref name="resultLifetime"/> ago.
    /// </summary>
    /// <returns>How many jobs were abandoned and how many deleted.</returns>
    Task<(int Abandoned, int Deleted)> SweepAsync(DateTimeOffset now, TimeSpan abandonAfter, TimeSpan resultLifetime, CancellationToken cancellationToken);

    /// <summary>Completes at the job's next change (or a little later), from whichever process made it.</summary>
    Task WaitForChangeAsync(string id, CancellationToken cancellationToken);

    /// <summary>Completes when a job may be waiting for a worker (one was submitted or released), or after <paramref name="atMost"/>.</summary>
    Task WaitForWorkAsync(TimeSpan atMost, CancellationToken cancellationToken);
}
