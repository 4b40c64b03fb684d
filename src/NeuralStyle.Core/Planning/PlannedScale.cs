namespace NeuralStyle;

/// <summary>One scale of a <see cref="RunPlan"/>: its size, its iterations, and what it is expected to cost.</summary>
/// <param name="Width">The image's width at this scale, in pixels.</param>
/// <param name="Height">The image's height at this scale, in pixels.</param>
/// <param name="Iterations">The optimiser iterations spent at this scale.</param>
/// <param name="PeakMemoryBytes">The process's expected peak resident memory while this scale runs.</param>
/// <param name="EstimatedDuration">The expected time of this scale's iterations on the reference CPU (see <see cref="RunPlan.EstimatedDuration"/>).</param>
public sealed record PlannedScale(int Width, int Height, int Iterations, long PeakMemoryBytes, TimeSpan EstimatedDuration)
{
    /// <summary>The size of the tiles this scale is optimised in (longest side, overlap included), or null when it is optimised whole.</summary>
    public int? TileSize { get; init; }

    /// <summary>How many tiles cover the image at this scale: 1 when it is optimised whole.</summary>
    public int TileCount { get; init; } = 1;

    /// <summary>
    /// The optimiser this scale runs: the run's, except a scale in tiles whose L-BFGS curvature
    /// history (whole-image vectors, whatever the tile size) would not fit in the memory limit beside
    /// tiles as large as Adam's, which runs Adam instead.
    /// </summary>
    public OptimizerKind Optimizer { get; init; }

    /// <summary>
    /// Whether this bfloat16 L-BFGS scale, optimised whole, goes on in float32 if its steps stall:
    /// only where the float32 scale is expected to fit in the run's memory limit too.
    /// </summary>
    internal bool MayFinishInFloat32 { get; init; }

    /// <summary>The expected peak if this scale finishes in float32 (see <see cref="MayFinishInFloat32"/>).</summary>
    internal long Float32FinishPeakMemoryBytes { get; init; }
}
