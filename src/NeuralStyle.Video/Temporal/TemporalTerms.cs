using static TorchSharp.torch;

namespace NeuralStyle.Video.Temporal;

/// <summary>
/// A frame's temporal term for each scale of its run: the previous frame's result warped onto this
/// frame, and where that warp is reliable, resized (area) to the scale's size; the weight as given.
/// </summary>
internal sealed class TemporalTerms : IAdditionalTerms, IDisposable
{
    private readonly Tensor _warped;
    private readonly Tensor _mask;
    private readonly double _weight;

    /// <param name="warped">The previous result warped onto this frame, 1×3×H×W in [0, 1], at the output size; copied.</param>
    /// <param name="mask">1×1×H×W in [0, 1]: 1 where the warp is reliable; copied.</param>
    /// <param name="weight">The temporal term's weight.</param>
    public TemporalTerms(Tensor warped, Tensor mask, double weight)
    {
        Guard.MustBeFiniteAndNonNegative(weight);
        if (warped.dim() != 4 || warped.shape[1] != 3 || mask.dim() != 4 || mask.shape[1] != 1 || warped.shape[2] != mask.shape[2] || warped.shape[3] != mask.shape[3])
        {
            Guard.ThrowArgument($"The warped frame must be 1×3×H×W and its mask 1×1×H×W of the same size; they were [{string.Join(", ", warped.shape)}] and [{string.Join(", ", mask.shape)}].", nameof(mask));
        }

        _warped = warped.detach().to(ScalarType.Float32).clone().DetachFromDisposeScope();
        _mask = mask.detach().to(ScalarType.Float32).clone().DetachFromDisposeScope();
        _weight = weight;
    }

    public IReadOnlyList<ILossTerm> At(int width, int height, Device device)
    {
        using var scope = NewDisposeScope();
        var (warped, mask) = _warped.shape[3] == width && _warped.shape[2] == height
            ? (_warped, _mask)
            : (nn.functional.interpolate(_warped, [height, width], mode: InterpolationMode.Area), nn.functional.interpolate(_mask, [height, width], mode: InterpolationMode.Area));
        return [new TemporalTerm(warped.to(device), mask.to(device), _weight)];
    }

    public void Dispose()
    {
        _warped.Dispose();
        _mask.Dispose();
    }
}
