using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>
/// The temporal term of video style transfer (Ruder, Dosovitskiy and Brox, "Artistic Style Transfer
/// for Videos"): the masked mean squared difference between the image and the previous frame's
/// result warped along the optical flow, Σ c·(x − w)² / (3·H·W), with c the mask of pixels where the
/// flow is reliable (1) or not (0). It reads no features.
/// </summary>
internal sealed class TemporalTerm : ILossTerm
{
    private readonly Tensor _warped;
    private readonly Tensor _mask;

    /// <param name="warped">The previous frame's result warped to this frame, NCHW 1×3×H×W; copied.</param>
    /// <param name="mask">Where the warped frame is to be kept, 1×1×H×W in [0, 1]; copied.</param>
    /// <param name="weight">The term's weight.</param>
    public TemporalTerm(Tensor warped, Tensor mask, double weight)
    {
        _warped = warped.detach().to(ScalarType.Float32).clone().DetachFromDisposeScope();
        _mask = mask.detach().to(ScalarType.Float32).clone().DetachFromDisposeScope();
        Weight = weight;
    }

    public string Name => "temporal";

    public double Weight { get; }

    public IReadOnlyList<string> Layers => [];

    public Tensor Evaluate(IReadOnlyDictionary<string, Tensor> features, Tensor image) =>
        ((image - _warped).square() * _mask).sum() / image.numel();

    public void Dispose()
    {
        _warped.Dispose();
        _mask.Dispose();
    }
}
