using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>
/// One term of the loss of a whole image, with its targets (computed once, when the term is made):
/// the objective extracts the layers every term asks for once per evaluation and adds the terms up,
/// each times its weight. A new term (a temporal loss, another style statistic) is one more of these.
/// </summary>
internal interface ILossTerm : IDisposable
{
    /// <summary>The term's name, as a divergence error names it ("content", "style", "total variation").</summary>
    string Name { get; }

    /// <summary>The term's weight in the total.</summary>
    double Weight { get; }

    /// <summary>The network layers whose features the term reads.</summary>
    IReadOnlyList<string> Layers { get; }

    /// <summary>The term's value at <paramref name="image"/>, unweighted, a float32 scalar in the caller's dispose scope.</summary>
    /// <param name="features">The image's features at (at least) <see cref="Layers"/>.</param>
    /// <param name="image">The image, NCHW 1×3×H×W.</param>
    Tensor Evaluate(IReadOnlyDictionary<string, Tensor> features, Tensor image);
}
