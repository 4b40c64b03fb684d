using Microsoft.ML.OnnxRuntime;

namespace NeuralStyle.FastStyles;

/// <summary>
/// How a <see cref="FastStyleModel"/> runs: how many pictures at once, the largest tile, and the
/// ONNX Runtime session it runs in. Immutable; derive a changed copy with
/// <c>options with { MaxConcurrency = 2 }</c>.
/// </summary>
public sealed record FastStyleModelOptions
{
    private readonly int _maxConcurrency = 1;
    private readonly int _maxTileSide = 1024;
    private readonly int _tileOverlap = 64;

    /// <summary>
    /// How many pictures the model computes at once, 1–64; further calls wait for a slot in the
    /// order they asked. Default 1: ONNX Runtime already spreads one picture over every core, and
    /// each picture in flight holds its own activations (about 0.6 GB for a 1024 px tile).
    /// </summary>
    public int MaxConcurrency { get => _maxConcurrency; init { Guard.MustBeBetween(value, 1, 64, nameof(MaxConcurrency)); _maxConcurrency = value; } }

    /// <summary>
    /// The longest side computed in one pass, 64–8192 px (default 1024). A larger picture is
    /// computed in overlapping tiles of at most this side, blended where they overlap, so memory
    /// stays bounded for any picture size.
    /// </summary>
    public int MaxTileSide { get => _maxTileSide; init { Guard.MustBeBetween(value, 64, 8192, nameof(MaxTileSide)); _maxTileSide = value; } }

    /// <summary>
    /// How many pixels neighbouring tiles share, 16–512 (default 64), and at most half of
    /// <see cref="MaxTileSide"/>; across the shared band one tile fades into the next.
    /// </summary>
    public int TileOverlap { get => _tileOverlap; init { Guard.MustBeBetween(value, 16, 512, nameof(TileOverlap)); _tileOverlap = value; } }

    /// <summary>
    /// Called with the session options before the model is loaded: the place to choose an execution
    /// provider (for example <c>o =&gt; o.AppendExecutionProvider_CUDA(0)</c> with the
    /// Microsoft.ML.OnnxRuntime.Gpu package, or <c>AppendExecutionProvider_CoreML</c> on macOS; see
    /// docs/gpu.md) or thread counts. Null runs on the CPU with ONNX Runtime's defaults.
    /// </summary>
    public Action<SessionOptions>? ConfigureSession { get; init; }

    /// <summary>Checks what the setters cannot.</summary>
    internal void Validate()
    {
        if (TileOverlap * 2 > MaxTileSide)
        {
            Guard.ThrowArgument($"{nameof(TileOverlap)} ({TileOverlap}) must be at most half of {nameof(MaxTileSide)} ({MaxTileSide}).", nameof(TileOverlap));
        }
    }
}
