using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>The smoothness term: the image's total variation (<see cref="LossFunctions.TotalVariationLoss"/>); it reads no features.</summary>
internal sealed class TotalVariationTerm(TotalVariationNorm norm, double weight) : ILossTerm
{
    public string Name => "total variation";

    public double Weight => weight;

    public IReadOnlyList<string> Layers => [];

    public Tensor Evaluate(IReadOnlyDictionary<string, Tensor> features, Tensor image) => LossFunctions.TotalVariationLoss(image, norm);

    public void Dispose()
    {
    }
}
