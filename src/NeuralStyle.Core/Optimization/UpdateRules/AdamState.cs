using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>Adam's state: the moment estimates and the number of gradients they have taken in.</summary>
/// <param name="FirstMoment">The moving average of the gradients, the image's shape.</param>
/// <param name="SecondMoment">The moving average of their squares.</param>
/// <param name="Steps">The gradients taken in so far (for the bias correction).</param>
internal sealed record AdamState(Tensor FirstMoment, Tensor SecondMoment, int Steps) : UpdateRuleState
{
    public override void Dispose()
    {
        FirstMoment.Dispose();
        SecondMoment.Dispose();
    }
}
