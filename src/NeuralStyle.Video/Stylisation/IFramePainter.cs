using NeuralStyle.Imaging;

namespace NeuralStyle.Video.Stylisation;

/// <summary>
/// How one frame of a video is made from the input frame and the earlier frames and results: by
/// optimisation warm-started along the flow (<see cref="OptimisingPainter"/>), or by a trained style
/// blended along the flow (<see cref="TrainedStylePainter"/>). The loop around it, which keeps,
/// resumes, shards and reports, is <see cref="VideoStylizer"/>'s.
/// </summary>
internal interface IFramePainter
{
    /// <summary>How many frames back the painter looks (1, or 4 for the long-term terms).</summary>
    int HistoryDepth { get; }

    /// <summary>An estimate of a later frame's iterations, for the ETA before any later frame is done (0: the painter does not iterate).</summary>
    int LaterFrameIterations { get; }

    /// <summary>Makes frame <paramref name="frame"/>; <paramref name="history"/> is empty for the first frame of a run.</summary>
    Task<PaintedFrame> PaintAsync(RgbImage frame, FrameHistory history, IProgress<StyleTransferProgress>? progress, CancellationToken cancellationToken);
}

/// <summary>A frame made by a painter, with its optimisation when there was one.</summary>
internal sealed record PaintedFrame(RgbImage Image, StyleTransferResult? Result);
