using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>
/// The loss a scale minimises, with its targets: it measures an image's loss terms and, when asked,
/// the gradient of the total. The whole image at once (<see cref="WholeImageObjective"/>) and in
/// overlapping tiles (<see cref="TiledObjective"/>) are the two ways of computing the same loss.
/// </summary>
internal interface IObjective : IDisposable
{
    /// <summary>The loss terms of <paramref name="image"/> (NCHW 1×3×H×W in [0, 1], not changed).</summary>
    /// <param name="image">The image to measure.</param>
    /// <param name="gradient">Null to measure only; otherwise a tensor of the image's shape that receives ∂total/∂image.</param>
    LossTerms Evaluate(Tensor image, Tensor? gradient);
}
