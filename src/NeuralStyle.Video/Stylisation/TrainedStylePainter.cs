using TorchSharp;
using NeuralStyle.FastStyles;
using NeuralStyle.Imaging;
using NeuralStyle.Video.Flow;
using static TorchSharp.torch;

namespace NeuralStyle.Video.Stylisation;

/// <summary>
/// Frames by a trained style, one pass each, kept steady along the flow: each frame is the model's
/// picture of it, pulled towards the previous result warped onto it wherever the flow is reliable,
/// out = s + b · m · (warped − s), with s the model's picture, m the reliability mask and b the
/// blend. Where the flow is not reliable (things coming into view) the model's picture stands.
/// </summary>
internal sealed class TrainedStylePainter(FastStyleModel model, double blend) : IFramePainter
{
    public int HistoryDepth => 1;

    public int LaterFrameIterations => 0;

    public async Task<PaintedFrame> PaintAsync(RgbImage frame, FrameHistory history, IProgress<StyleTransferProgress>? progress, CancellationToken cancellationToken)
    {
        var painted = await model.ApplyAsync(frame, cancellationToken).ConfigureAwait(false);
        if (history.IsEmpty || blend == 0)
        {
            return new PaintedFrame(painted, null);
        }

        var (_, previousFrame, previousResult) = history.LookBack().First();
        return new PaintedFrame(Blend(previousFrame, frame, previousResult, painted, blend), null);
    }

    /// <summary><paramref name="painted"/> pulled by <paramref name="blend"/> towards <paramref name="previousResult"/> warped onto <paramref name="frame"/>, where the flow between the input frames is reliable.</summary>
    internal static RgbImage Blend(RgbImage previousFrame, RgbImage frame, RgbImage previousResult, RgbImage painted, double blend)
    {
        using var scope = NewDisposeScope();
        var forward = OpticalFlow.Between(previousFrame, frame);
        var backward = OpticalFlow.Between(frame, previousFrame);
        var mask = FlowReliability.Mask(forward, backward);
        var warped = FlowWarp.Warp(ImageTensors.ToTensor(previousResult), backward);
        var now = ImageTensors.ToTensor(painted);
        using var weight = blend.ToScalar(); // kept alive for the native call: an implicit Scalar may be finalized during it
        return ImageTensors.ToRgbImage((now + mask.mul(weight).mul(warped - now)).clamp_(0, 1));
    }
}
