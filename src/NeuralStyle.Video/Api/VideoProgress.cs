using NeuralStyle.Imaging;

namespace NeuralStyle.Video;

/// <summary>
/// Reported after every iteration of every frame, and once more when a frame is finished (then
/// with the frame in <see cref="FinishedFrame"/>, a preview an app may show).
/// </summary>
/// <param name="Frame">The frame being stylised, from 0.</param>
/// <param name="FrameCount">The frame after the last one the run stylises (for a whole clip, its number of frames, estimated from its length and frame rate), or null when unknown (a stream of frames whose length the caller did not give).</param>
/// <param name="Iteration">The frame's iteration just finished (over all scales for the first frame).</param>
/// <param name="Iterations">The frame's iterations in all.</param>
/// <param name="Losses">The frame's loss terms at this iteration.</param>
/// <param name="Elapsed">Time since the run started.</param>
/// <param name="EstimatedRemaining">Time left for the whole run at the pace so far, or null when <paramref name="FrameCount"/> is unknown.</param>
/// <param name="FinishedFrame">The finished frame, in the report made when it is done; null in the reports of iterations.</param>
public sealed record VideoProgress(
    int Frame,
    int? FrameCount,
    int Iteration,
    int Iterations,
    LossTerms Losses,
    TimeSpan Elapsed,
    TimeSpan? EstimatedRemaining,
    RgbImage? FinishedFrame);
