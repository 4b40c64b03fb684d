using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>Everything the next iteration of a scale depends on (<see cref="ScaleOptimizer.SaveState"/>): copies on the CPU, owned here.</summary>
/// <param name="Image">The image being optimised.</param>
/// <param name="BestImage">The image with the lowest loss measured so far.</param>
/// <param name="BestLosses">Its loss terms; null before any measurement.</param>
/// <param name="Average">The iterate average; null without averaging.</param>
/// <param name="AverageWeight">The weight the average is divided by (1 − dᵗ).</param>
/// <param name="Iteration">The iterations made at this scale.</param>
/// <param name="Rule">The update rule's state.</param>
internal sealed record ScaleState(
    Tensor Image,
    Tensor BestImage,
    LossTerms? BestLosses,
    Tensor? Average,
    double AverageWeight,
    int Iteration,
    UpdateRuleState Rule) : IDisposable
{
    public void Dispose()
    {
        Image.Dispose();
        BestImage.Dispose();
        Average?.Dispose();
        Rule.Dispose();
    }
}
