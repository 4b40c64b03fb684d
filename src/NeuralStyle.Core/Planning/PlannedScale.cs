namespace NeuralStyle;

/// <summary>One scale of a <see cref="RunPlan"/>: its size, its iterations, and what it is expected to cost.</summary>
/// <param name="Width">The image's width at this scale, in pixels.</param>
/// <param name="Height">The image's height at this scale, in pixels.</param>
/// <param name="Iterations">The optimiser iterations spent at this scale.</param>
/// <param name="PeakMemoryBytes">The process's expected peak resident memory while this scale runs.</param>
/// <param name="EstimatedDuration">The expected time of this scale's iterations on the reference CPU (see <see cref="RunPlan.EstimatedDuration"/>).</param>
public sealed record PlannedScale(int Width, int Height, int Iterations, long PeakMemoryBytes, TimeSpan EstimatedDuration);
