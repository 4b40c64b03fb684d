namespace NeuralStyle.Video;

/// <summary>
/// How each frame of a video is stylised (after Ruder, Dosovitskiy and Brox): the first frame as a
/// still with <see cref="Frame"/>; each later frame from the previous result warped onto it along
/// the optical flow, for <see cref="LaterFrameIterations"/> at the output size, held to that warped
/// result by a temporal term of weight <see cref="TemporalWeight"/> wherever the flow is reliable.
/// Immutable and validated as it is set; <see cref="Frame"/> is checked when a run starts.
/// </summary>
public sealed record VideoStyleOptions
{
    /// <summary>The default weight of the temporal term (see <see cref="TemporalWeight"/>).</summary>
    public const double DefaultTemporalWeight = 1e9;

    private readonly StyleTransferOptions _frame = new();
    private readonly int _laterFrameIterations = 25;
    private readonly double _temporalWeight = DefaultTemporalWeight;

    /// <summary>
    /// The still's options every frame is run with: styles and blend, weights, layers, precision,
    /// pooling, colours, style scale, the size of the frames' longest side (<see cref="StyleTransferOptions.OutputSize"/>),
    /// and the first frame's iterations and coarse-to-fine start. Leave <see cref="StyleTransferOptions.Content"/>,
    /// the output path, checkpoints and tiling unset: the frames are the content, and a video run
    /// keeps finished frames instead of checkpoints.
    /// </summary>
    public required StyleTransferOptions Frame { get => _frame; init => _frame = Guard.NotNullValue(value, nameof(Frame)); }

    /// <summary>Iterations of each frame after the first, which starts warm from the previous result, at the output size only (default 25: half the first frame's iterations at that size).</summary>
    public int LaterFrameIterations { get => _laterFrameIterations; init { Guard.MustBeBetween(value, 1, 1_000_000, nameof(LaterFrameIterations)); _laterFrameIterations = value; } }

    /// <summary>
    /// The weight of the temporal term: the mean squared difference, on [0, 1] pixels, between a
    /// frame and the previous result warped onto it, over the pixels where the flow is reliable.
    /// 0 turns it off (later frames still start warm). Default <see cref="DefaultTemporalWeight"/>.
    /// </summary>
    public double TemporalWeight { get => _temporalWeight; init { Guard.MustBeFiniteAndNonNegative(value, nameof(TemporalWeight)); _temporalWeight = value; } }

    /// <summary>
    /// Also hold each frame to the results two and four frames back, where the previous frame does
    /// not see the pixel but they do (Ruder et al.'s long-term loss): steadier where things pass in
    /// front of each other, at three times the optical-flow work. Default false.
    /// </summary>
    public bool LongTermConsistency { get; init; }

    /// <summary>Checks what the setters cannot: that <see cref="Frame"/> leaves the per-frame and per-run settings to the video run.</summary>
    internal void Validate()
    {
        static void Refuse(string property, string why) =>
            Guard.ThrowArgument($"{nameof(Frame)}.{property} must be left unset for a video: {why}.", nameof(Frame));

        if (Frame.Content is not null)
        {
            Refuse(nameof(StyleTransferOptions.Content), "the frames are the content");
        }

        if (Frame.OutputPath is not null)
        {
            Refuse(nameof(StyleTransferOptions.OutputPath), "finished frames are returned, or written to the video file");
        }

        if (Frame.CheckpointPath is not null || Frame.ResumeFrom is not null)
        {
            Refuse(Frame.CheckpointPath is not null ? nameof(StyleTransferOptions.CheckpointPath) : nameof(StyleTransferOptions.ResumeFrom), "a video run keeps finished frames and resumes from them");
        }

        if (Frame.Tiling || Frame.TileSize is not null)
        {
            Refuse(Frame.Tiling ? nameof(StyleTransferOptions.Tiling) : nameof(StyleTransferOptions.TileSize), "frames are optimised whole; choose a smaller output size");
        }
    }
}
