namespace NeuralStyle.Web.Store;

/// <summary>The summary of a run's progress that the store keeps (the latest iteration's), stored as JSON.</summary>
/// <param name="Iteration">Iterations done, over all scales.</param>
/// <param name="TotalIterations">Iterations in all, over all scales.</param>
/// <param name="Scale">The scale being optimised, from 1.</param>
/// <param name="ScaleCount">How many scales the run has.</param>
/// <param name="Width">The current scale's width in pixels.</param>
/// <param name="Height">The current scale's height in pixels.</param>
/// <param name="ElapsedSeconds">Seconds the run has computed.</param>
/// <param name="RemainingSeconds">The estimated seconds left.</param>
internal sealed record JobProgress(int Iteration, int TotalIterations, int Scale, int ScaleCount, int Width, int Height, double ElapsedSeconds, double RemainingSeconds)
{
    /// <summary>The summary of an engine's progress report.</summary>
    public static JobProgress Of(StyleTransferProgress progress) => new(
        progress.Iteration,
        progress.TotalIterations,
        progress.Scale,
        progress.ScaleCount,
        progress.Width,
        progress.Height,
        progress.Elapsed.TotalSeconds,
        progress.EstimatedRemaining.TotalSeconds);
}
