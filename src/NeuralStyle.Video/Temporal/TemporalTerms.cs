using static TorchSharp.torch;

namespace NeuralStyle.Video.Temporal;

/// <summary>
/// A frame's temporal terms for each scale of its run: earlier results warped onto this frame, each
/// with the pixels where its warp is reliable, resized (area) to the scale's size; one weight for all.
/// </summary>
internal sealed class TemporalTerms : IAdditionalTerms, IDisposable
{
    private readonly (Tensor Warped, Tensor Mask)[] _targets;
    private readonly double _weight;

    /// <param name="targets">Each an earlier result warped onto this frame, 1×3×H×W in [0, 1], and its mask, 1×1×H×W in [0, 1] (1 where the warp is reliable); copied.</param>
    /// <param name="weight">The weight of each temporal term.</param>
    public TemporalTerms(IReadOnlyList<(Tensor Warped, Tensor Mask)> targets, double weight)
    {
        Guard.MustBeFiniteAndNonNegative(weight);
        foreach (var (warped, mask) in targets)
        {
            if (warped.dim() != 4 || warped.shape[1] != 3 || mask.dim() != 4 || mask.shape[1] != 1 || warped.shape[2] != mask.shape[2] || warped.shape[3] != mask.shape[3])
            {
                Guard.ThrowArgument($"A warped frame must be 1×3×H×W and its mask 1×1×H×W of the same size; they were [{string.Join(", ", warped.shape)}] and [{string.Join(", ", mask.shape)}].", nameof(targets));
            }
        }

        _targets = targets.Select(t => (Copy(t.Warped), Copy(t.Mask))).ToArray();
        _weight = weight;
    }

    /// <param name="warped">The previous result warped onto this frame, 1×3×H×W in [0, 1]; copied.</param>
    /// <param name="mask">1×1×H×W in [0, 1]: 1 where the warp is reliable; copied.</param>
    /// <param name="weight">The temporal term's weight.</param>
    public TemporalTerms(Tensor warped, Tensor mask, double weight)
        : this([(warped, mask)], weight)
    {
    }

    /// <summary>The warped results and their masks, nearest first (owned by this object).</summary>
    internal IReadOnlyList<(Tensor Warped, Tensor Mask)> Targets => _targets;

    public IReadOnlyList<ILossTerm> At(int width, int height, Device device)
    {
        using var scope = NewDisposeScope();
        return _targets.Select(target =>
        {
            var (warped, mask) = target.Warped.shape[3] == width && target.Warped.shape[2] == height
                ? target
                : (nn.functional.interpolate(target.Warped, [height, width], mode: InterpolationMode.Area), nn.functional.interpolate(target.Mask, [height, width], mode: InterpolationMode.Area));
            return (ILossTerm)new TemporalTerm(warped.to(device), mask.to(device), _weight);
        }).ToArray();
    }

    public void Dispose()
    {
        foreach (var (warped, mask) in _targets)
        {
            warped.Dispose();
            mask.Dispose();
        }
    }

    private static Tensor Copy(Tensor tensor) => tensor.detach().to(ScalarType.Float32).clone().DetachFromDisposeScope();
}
