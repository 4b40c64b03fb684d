using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>L-BFGS's state: the curvature pairs and the bookkeeping of its last steps.</summary>
/// <param name="Pairs">The curvature pairs, oldest first.</param>
/// <param name="HessianScale">The scale of the initial inverse Hessian (yᵀs / yᵀy of the newest pair); null without pairs.</param>
/// <param name="PreviousGradient">The gradient at the last accepted image (flattened); null before the first step.</param>
/// <param name="PreviousImage">The last accepted image (flattened); null before the first step.</param>
/// <param name="AcceptedLoss">The loss at the last accepted image; null before the first step.</param>
/// <param name="Retreats">The steps taken back in a row.</param>
/// <param name="RecentRejections">The outcome of each recent step, newest in bit 0: 1 where it was taken back.</param>
internal sealed record LbfgsState(
    IReadOnlyList<CurvaturePair> Pairs,
    Tensor? HessianScale,
    Tensor? PreviousGradient,
    Tensor? PreviousImage,
    double? AcceptedLoss,
    int Retreats,
    ulong RecentRejections) : UpdateRuleState
{
    public override void Dispose()
    {
        foreach (var pair in Pairs)
        {
            pair.Dispose();
        }

        HessianScale?.Dispose();
        PreviousGradient?.Dispose();
        PreviousImage?.Dispose();
    }
}
