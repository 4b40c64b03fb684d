using NeuralStyle.Imaging;
using NeuralStyle.Video.Flow;
using NeuralStyle.Video.Temporal;
using static TorchSharp.torch;

namespace NeuralStyle.Video.Stylisation;

/// <summary>
/// Frames by optimisation, after Ruder, Dosovitskiy and Brox: the first frame of a run as a still;
/// each later frame started from the previous result warped onto it along the optical flow of the
/// input, and held by temporal terms to the earlier results warped onto it wherever the flow is
/// reliable, so that the texture stays put instead of boiling from frame to frame.
/// </summary>
internal sealed class OptimisingPainter(StyleTransferEngine engine, VideoStyleOptions options) : IFramePainter
{
    public int HistoryDepth => options.LongTermConsistency ? 4 : 1;

    public int LaterFrameIterations => options.LaterFrameIterations;

    public async Task<PaintedFrame> PaintAsync(RgbImage frame, FrameHistory history, IProgress<StyleTransferProgress>? progress, CancellationToken cancellationToken)
    {
        var still = options.Frame with { Content = frame, OutputSize = Math.Max(frame.Width, frame.Height), OutputPath = null };
        if (history.IsEmpty)
        {
            var cold = await engine.RunAsync(still, progress, cancellationToken).ConfigureAwait(false);
            return new PaintedFrame(cold.Image, cold);
        }

        var (start, temporal) = WarmStart(frame, history.LookBack().Select(h => (h.Frame, h.Result)).ToArray(), options.TemporalWeight);
        using (temporal)
        {
            var warm = still with { Iterations = options.LaterFrameIterations, StartSize = still.OutputSize, Initialization = InitialImage.From(start) };
            var result = await engine.RunWithTermsAsync(warm, temporal, progress, cancellationToken).ConfigureAwait(false);
            return new PaintedFrame(result.Image, result);
        }
    }

    /// <summary>
    /// The nearest earlier result warped onto <paramref name="frame"/> along the input's backward flow
    /// (the frame's start), and the temporal terms that hold the frame to each earlier result warped
    /// onto it, where both flows agree and, for all but the nearest, only as far as no nearer one is
    /// reliable (Ruder et al., equation 8, for masks that may be fractional at the frame's edges).
    /// </summary>
    /// <param name="frame">The frame to stylise.</param>
    /// <param name="earlier">Earlier input frames and their results, nearest first; at least one.</param>
    /// <param name="weight">The temporal terms' weight.</param>
    internal static (RgbImage Start, TemporalTerms Temporal) WarmStart(RgbImage frame, IReadOnlyList<(RgbImage Frame, RgbImage Result)> earlier, double weight)
    {
        Guard.MustBePositive(earlier.Count, nameof(earlier));
        foreach (var (_, result) in earlier)
        {
            if (result.Width != frame.Width || result.Height != frame.Height)
            {
                Guard.ThrowArgument($"An earlier result is {result.Width} × {result.Height} and the frame {frame.Width} × {frame.Height}; they must match.", nameof(earlier));
            }
        }

        using var scope = NewDisposeScope();
        var targets = new List<(Tensor Warped, Tensor Mask)>();
        Tensor? covered = null;
        foreach (var (previousFrame, previousResult) in earlier)
        {
            var forward = OpticalFlow.Between(previousFrame, frame);
            var backward = OpticalFlow.Between(frame, previousFrame);
            var warped = FlowWarp.Warp(ImageTensors.ToTensor(previousResult), backward).clamp_(0, 1);
            var reliable = FlowReliability.Mask(forward, backward);
            var mask = covered is null ? reliable : reliable * (1 - covered);
            covered = covered is null ? mask : covered + mask; // the masks add up to at most 1
            targets.Add((warped, mask));
        }

        return (ImageTensors.ToRgbImage(targets[0].Warped), new TemporalTerms(targets, weight));
    }
}
