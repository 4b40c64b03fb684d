using System.Runtime.CompilerServices;
using NeuralStyle.Imaging;
using NeuralStyle.Video.Flow;
using NeuralStyle.Video.Temporal;
using static TorchSharp.torch;

namespace NeuralStyle.Video.Stylisation;

/// <summary>
/// Video style transfer after Ruder, Dosovitskiy and Brox: the first frame is stylised as a still;
/// each later frame starts from the previous result warped onto it along the optical flow of the
/// input, and temporal terms hold it to the earlier results warped onto it wherever the flow is
/// reliable, so that the texture stays put instead of boiling from frame to frame.
/// </summary>
internal sealed class VideoStylizer(StyleTransferEngine engine)
{
    /// <summary>
    /// The stylised frames of <paramref name="span"/>, in order, as each is finished. With a
    /// <paramref name="store"/>, each is kept there as it is finished, and the frames it already
    /// holds are not computed again: the run goes on from the first missing one, warm from the kept
    /// results, as an uninterrupted run would have (kept frames are reported with a null result).
    /// </summary>
    /// <param name="frames">The clip's frames from frame 0, all of one size.</param>
    /// <param name="options">How each frame is stylised.</param>
    /// <param name="store">Where finished frames are kept; null to keep none.</param>
    /// <param name="span">Which frames are kept, and how many before them are stylised to start warm.</param>
    /// <param name="progress">Where the run's progress goes; null for none.</param>
    /// <param name="cancellationToken">Stops within one iteration; the frames finished so far stay kept.</param>
    public async IAsyncEnumerable<StylisedFrame> StyliseAsync(
        IAsyncEnumerable<RgbImage> frames,
        VideoStyleOptions options,
        FrameStore? store,
        FrameSpan span,
        VideoProgressTracker? progress,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var history = new FrameHistory(options.LongTermConsistency);
        var done = store is null ? 0 : Math.Min(store.CountDone(span.Start), span.End - span.Start);

        // Kept frames give the history back, unless too few of them to fill it: then the lead-in is stylised again.
        var skipLeadIn = done >= history.Depth;
        var index = -1;
        await foreach (var frame in frames.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            index++;
            if (index >= span.End)
            {
                yield break;
            }

            if (index < span.FirstStylised || (skipLeadIn && index < span.Start))
            {
                continue;
            }

            if (index >= span.Start && index < span.Start + done)
            {
                var kept = store!.Load(index);
                history.Add(frame, kept);
                progress?.FrameDone(index, kept, null, warm: false);
                yield return new StylisedFrame(index, kept, null);
                continue;
            }

            var warm = !history.IsEmpty;
            var result = await StyliseAsync(frame, history, options, progress?.ForFrame(index), cancellationToken).ConfigureAwait(false);
            history.Add(frame, result.Image);
            if (index < span.Start)
            {
                continue; // lead-in: only to start warm
            }

            if (store is not null)
            {
                await store.SaveAsync(index, result.Image, cancellationToken).ConfigureAwait(false);
            }

            progress?.FrameDone(index, result.Image, result, warm);
            yield return new StylisedFrame(index, result.Image, result);
        }
    }

    private Task<StyleTransferResult> StyliseAsync(RgbImage frame, FrameHistory history, VideoStyleOptions options, IProgress<StyleTransferProgress>? progress, CancellationToken cancellationToken)
    {
        var still = options.Frame with { Content = frame, OutputSize = Math.Max(frame.Width, frame.Height), OutputPath = null };
        if (history.IsEmpty)
        {
            return engine.RunAsync(still, progress, cancellationToken);
        }

        return RunWarmAsync();

        async Task<StyleTransferResult> RunWarmAsync()
        {
            var (start, temporal) = WarmStart(frame, history.LookBack().Select(h => (h.Frame, h.Result)).ToArray(), options.TemporalWeight);
            using (temporal)
            {
                var warm = still with { Iterations = options.LaterFrameIterations, StartSize = still.OutputSize, Initialization = InitialImage.From(start) };
                return await engine.RunWithTermsAsync(warm, temporal, progress, cancellationToken).ConfigureAwait(false);
            }
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
