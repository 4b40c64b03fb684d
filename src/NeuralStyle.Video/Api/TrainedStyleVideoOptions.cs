namespace NeuralStyle.Video;

/// <summary>
/// How a trained style (a <see cref="FastStyles.FastStyleModel"/>) paints a video: each frame in one
/// pass, then pulled towards the previous result warped along the optical flow wherever the flow is
/// reliable, so that the texture does not flicker. Immutable and validated as it is set.
/// </summary>
public sealed record TrainedStyleVideoOptions
{
    /// <summary>The default <see cref="Blend"/>.</summary>
    public const double DefaultBlend = 0.8;

    private readonly int? _outputSize;
    private readonly double _blend = DefaultBlend;

    /// <summary>The frames' longest side in pixels, 16–8192; null: the clip's own size (for a stream of frames, their size).</summary>
    public int? OutputSize
    {
        get => _outputSize;
        init
        {
            if (value is { } size)
            {
                Guard.MustBeBetween(size, 16, 8192, nameof(OutputSize));
            }

            _outputSize = value;
        }
    }

    /// <summary>
    /// How strongly each frame is pulled towards the previous result where the flow is reliable, 0–1:
    /// 0 is the model's picture of each frame alone (it flickers), 1 keeps the previous result
    /// wherever it can (steady, but the picture drifts and blurs along the flow). Default <see cref="DefaultBlend"/>.
    /// </summary>
    public double Blend
    {
        get => _blend;
        init
        {
            Guard.MustBeFiniteAndNonNegative(value, nameof(Blend));
            if (value > 1)
            {
                Guard.ThrowOutOfRange(nameof(Blend), $"{nameof(Blend)} must be between 0 and 1; it was {value}.");
            }

            _blend = value;
        }
    }
}
