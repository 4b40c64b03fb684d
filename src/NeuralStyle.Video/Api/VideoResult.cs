namespace NeuralStyle.Video;

/// <summary>What a video run did.</summary>
/// <param name="OutputPath">The video written, or null for a shard (its frames wait for the join).</param>
/// <param name="FramesKept">The frames this run (or shard) finished or found finished.</param>
/// <param name="FramesComputed">Of those, the frames this run computed (the rest an earlier run had kept).</param>
/// <param name="FrameRate">The output's frames per second.</param>
/// <param name="Width">The frames' width in pixels.</param>
/// <param name="Height">The frames' height in pixels.</param>
/// <param name="Elapsed">The run's time.</param>
public sealed record VideoResult(string? OutputPath, int FramesKept, int FramesComputed, double FrameRate, int Width, int Height, TimeSpan Elapsed);
