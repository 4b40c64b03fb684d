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
    public LbfgsCurvature(LinkedList<(Tensor S, Tensor Y, Tensor Rho)> pairs, Tensor? hessianScale)
    {
        Pairs = pairs;
        HessianScale = hessianScale;
    }

    /// <summary>The curvature pairs, oldest first.</summary>
    public LinkedList<(Tensor S, Tensor Y, Tensor Rho)> Pairs { get; }

    /// <summary>γ = sᵀy / yᵀy of the newest pair; null without pairs.</summary>
    public Tensor? HessianScale { get; private set; }

    /// <summary>Hands the tensors over: this object no longer owns them.</summary>
    public (LinkedList<(Tensor S, Tensor Y, Tensor Rho)> Pairs, Tensor? HessianScale) Release()
    {
        var pairs = new LinkedList<(Tensor S, Tensor Y, Tensor Rho)>(Pairs);
        var scale = HessianScale;
        Pairs.Clear();
        HessianScale = null;
        return (pairs, scale);
    }

    public void Dispose()
    {
        foreach (var (s, y, rho) in Pairs)
        {
            s.Dispose();
            y.Dispose();
            rho.Dispose();
        }

        Pairs.Clear();
        HessianScale?.Dispose();
        HessianScale = null;
    }
}
