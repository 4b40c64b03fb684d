using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>One L-BFGS curvature pair: the step s, the change of gradient y along it, and ρ = 1 / yᵀs (flattened; ρ a 0-d tensor).</summary>
internal sealed record CurvaturePair(Tensor S, Tensor Y, Tensor Rho) : IDisposable
{
    public void Dispose()
    {
        S.Dispose();
        Y.Dispose();
        Rho.Dispose();
    }
}
