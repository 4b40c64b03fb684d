using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>
/// L-BFGS's curvature estimate on its way from one optimiser of an image to another of the same
/// image (<see cref="LbfgsOptimizer.TakeCurvature"/>, <see cref="LbfgsOptimizer.AdoptCurvature"/>):
/// the pairs (s, y, ρ), oldest first, and the scale of the initial inverse Hessian. Owns the tensors
/// until an optimiser adopts them; disposing releases whatever was not adopted.
/// </summary>
internal sealed class LbfgsCurvature : IDisposable
{
    private LinkedList<(Tensor S, Tensor Y, Tensor Rho)> _pairs;
    private Tensor? _hessianScale;

    public LbfgsCurvature(LinkedList<(Tensor S, Tensor Y, Tensor Rho)> pairs, Tensor? hessianScale)
    {
        _pairs = pairs;
        _hessianScale = hessianScale;
    }

    /// <summary>The curvature pairs still owned here, oldest first.</summary>
    public IReadOnlyCollection<(Tensor S, Tensor Y, Tensor Rho)> Pairs => _pairs;

    /// <summary>Hands the tensors over: this object no longer owns them.</summary>
    public (LinkedList<(Tensor S, Tensor Y, Tensor Rho)> Pairs, Tensor? HessianScale) Release()
    {
        var released = (_pairs, _hessianScale);
        _pairs = new LinkedList<(Tensor S, Tensor Y, Tensor Rho)>();
        _hessianScale = null;
        return released;
    }

    /// <summary>Releases one pair's three tensors.</summary>
    public static void DisposePair((Tensor S, Tensor Y, Tensor Rho) pair)
    {
        pair.S.Dispose();
        pair.Y.Dispose();
        pair.Rho.Dispose();
    }

    public void Dispose()
    {
        var (pairs, hessianScale) = Release();
        foreach (var pair in pairs)
        {
            DisposePair(pair);
        }

        hessianScale?.Dispose();
    }
}
