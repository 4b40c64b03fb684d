namespace NeuralStyle.Web.Store;

/// <summary>A new job as a front end hands it to the store: who asks, the settings fields, and the uploaded files as they came.</summary>
/// <param name="Id">The job's id (see <see cref="StoredJob.Id"/>).</param>
/// <param name="ClientId">Who asks.</param>
/// <param name="Settings">The form's settings fields by name (checked already).</param>
/// <param name="Content">The content image's file.</param>
/// <param name="Styles">The style images' files, in order.</param>
internal sealed record JobSubmission(string Id, string ClientId, IReadOnlyDictionary<string, string> Settings, byte[] Content, IReadOnlyList<byte[]> Styles);

/// <summary>The store-wide limits a submission is checked against, in the same transaction that adds it.</summary>
/// <param name="MaxJobsPerClient">How many unfinished jobs one client may have.</param>
/// <param name="MaxQueuedJobs">How many jobs may wait for a worker.</param>
/// <param name="MaxSubmitsPerMinute">How many jobs one client may submit in any minute.</param>
internal sealed record SubmitLimits(int MaxJobsPerClient, int MaxQueuedJobs, int MaxSubmitsPerMinute = int.MaxValue);

/// <summary>What became of a submission: added, or refused by one of the <see cref="SubmitLimits"/>.</summary>
/// <param name="Job">The job as stored; null when refused.</param>
/// <param name="UnfinishedForClient">When refused for the client's limit: how many unfinished jobs the client has.</param>
/// <param name="Queued">When refused because the queue is full: how many jobs wait.</param>
/// <param name="RetryAfter">When refused for the client's rate: how long until its oldest submission of the last minute is a minute old.</param>
internal sealed record SubmitOutcome(StoredJob? Job, int? UnfinishedForClient = null, int? Queued = null, TimeSpan? RetryAfter = null);
