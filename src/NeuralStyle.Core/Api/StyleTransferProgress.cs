namespace NeuralStyle;

/// <summary>Reported after every iteration of a run.</summary>
/// <param name="Iteration">The iteration just finished, from 1, counted over all scales.</param>
/// <param name="TotalIterations">The iterations the run will make, over all scales.</param>
/// <param name="Losses">The loss terms at this iteration (at this scale's size: losses of different scales are not comparable).</param>
/// <param name="Elapsed">Time since the optimisation started (targets and loading excluded).</param>
/// <param name="EstimatedRemaining">Time left at the pace so far, counting larger scales' iterations as dearer.</param>
public sealed record StyleTransferProgress(int Iteration, int TotalIterations, LossTerms Losses, TimeSpan Elapsed, TimeSpan EstimatedRemaining)
{
    /// <summary>The scale being optimised, from 1 (the smallest) to <see cref="ScaleCount"/> (the output size).</summary>
    public int Scale { get; init; } = 1;

    /// <summary>The number of scales of the run (1 for a single-scale run).</summary>
    public int ScaleCount { get; init; } = 1;

    /// <summary>The width of the image at this scale, in pixels.</summary>
    public int Width { get; init; }

    /// <summary>The height of the image at this scale, in pixels.</summary>
    public int Height { get; init; }

    /// <summary>Iterations per second so far.</summary>
    public double IterationsPerSecond => Elapsed > TimeSpan.Zero ? Iteration / Elapsed.TotalSeconds : 0;
}
