namespace NeuralStyle.Web.Jobs;

/// <summary>A consistent copy of where a job stands (see <see cref="Job.Status"/>).</summary>
/// <param name="State">Queued, running, or how it ended.</param>
/// <param name="Progress">The latest iteration's report; null before the first.</param>
/// <param name="Error">Why it failed or was cancelled.</param>
/// <param name="PreviewIteration">The iteration the latest preview shows; null before the first.</param>
/// <param name="HasResult">Whether the result file was written.</param>
/// <param name="Losses">The total loss at each iteration so far.</param>
internal sealed record JobStatus(JobState State, StyleTransferProgress? Progress, string? Error, int? PreviewIteration, bool HasResult, IReadOnlyList<LossPoint> Losses);

/// <summary>The total loss at one iteration.</summary>
internal readonly record struct LossPoint(int Iteration, double Total);
