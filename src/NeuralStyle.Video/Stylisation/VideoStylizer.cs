using System.Runtime.CompilerServices;
using NeuralStyle.Imaging;
using NeuralStyle.Video.Flow;
using NeuralStyle.Video.Temporal;
using static TorchSharp.torch;

namespace NeuralStyle.Video.Stylisation;

/// <summary>
/// Video style transfer after Ruder, Dosovitskiy and Brox: the first frame is stylised as a still;
/// each later frame starts from the previous result warped onto it along the optical flow of the
/// input, and a temporal term holds it to that warped result wherever the flow is reliable, so
/// that the texture stays put instead of boiling from frame to frame.
/// </summary>
internal sealed class VideoStylizer(StyleTransferEngine engine)
{
    /// <summary>
    /// The stylised frames, in order, as each is finished. With a <paramref name="store"/>, each is
    /// kept there as it is finished, and the frames it already holds are not computed again: the
    /// run goes on from the first missing one, warm from the last kept result, as an uninterrupted
    /// run would have (kept frames are reported with a null result).
    /// </summary>
    /// <param name="frames">The clip's frames, all of one size.</param>
    /// <param name="settings">The still's options and the video's.</param>
    /// <param name="store">Where finished frames are kept; null to keep none.</param>
    /// <param name="cancellationToken">Stops within one iteration; the frames finished so far stay kept.</param>
    public async IAsyncEnumerable<StylisedFrame> StyliseAsync(IAsyncEnumerable<RgbImage> frames, VideoStyleSettings settings, FrameStore? store, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        RgbImage? previousFrame = null;
        RgbImage? previousResult = null;
        var done = store?.CountDone() ?? 0;
        var index = 0;
        await foreach (var frame in frames.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (index < done)
            {
                previousResult = store!.Load(index);
                yield return new StylisedFrame(index++, previousResult, null);
                previousFrame = frame;
                continue;
            }

            var still = settings.Still with { Content = frame, OutputSize = Math.Max(frame.Width, frame.Height), OutputPath = null };
            StyleTransferResult result;
            if (previousFrame is null || previousResult is null)
            {
                result = await engine.RunAsync(still with { Iterations = settings.FirstFrameIterations }, null, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var (start, temporal) = WarpedStart(previousFrame, frame, previousResult, settings.TemporalWeight);
                using (temporal)
                {
                    var warm = still with { Iterations = settings.LaterFrameIterations, StartSize = still.OutputSize, Initialization = InitialImage.From(start) };
                    result = await engine.RunWithTermsAsync(warm, temporal, null, cancellationToken).ConfigureAwait(false);
                }
            }

            if (store is not null)
            {
                await store.SaveAsync(index, result.Image, cancellationToken).ConfigureAwait(false);
            }

            yield return new StylisedFrame(index++, result.Image, result);
            (previousFrame, previousResult) = (frame, result.Image);
        }
    }

    /// <summary>
    /// The previous result warped onto <paramref name="frame"/> along the input's backward flow (the
    /// frame's start), and the temporal term that holds the frame to it where both flows agree.
    /// </summary>
    internal static (RgbImage Start, TemporalTerms Temporal) WarpedStart(RgbImage previousFrame, RgbImage frame, RgbImage previousResult, double weight)
    {
        if (previousResult.Width != frame.Width || previousResult.Height != frame.Height)
        {
            Guard.ThrowArgument($"The previous result is {previousResult.Width} × {previousResult.Height} and the frame {frame.Width} × {frame.Height}; they must match.", nameof(previousResult));
        }

        using var scope = NewDisposeScope();
        var forward = OpticalFlow.Between(previousFrame, frame);
        var backward = OpticalFlow.Between(frame, previousFrame);
        var warped = FlowWarp.Warp(ImageTensors.ToTensor(previousResult), backward).clamp_(0, 1);
        var mask = FlowReliability.Mask(forward, backward);
        return (ImageTensors.ToRgbImage(warped), new TemporalTerms(warped, mask, weight));
    }
}
