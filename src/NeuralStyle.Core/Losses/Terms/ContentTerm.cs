using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>
/// The content term: Σₗ wₗ · mean((Fₗ − Pₗ)²) against the content image's features
/// (<see cref="LossFunctions.ContentLoss(IReadOnlyList{Tensor}, IReadOnlyList{Tensor}, IReadOnlyList{double}?)"/>),
/// or with <see cref="LossNormalization.All"/> Σₗ wₗ · <see cref="LossFunctions.ScaledSquaredError"/>(Fₗ, Pₗ).
/// </summary>
internal sealed class ContentTerm : ILossTerm
{
    private readonly string[] _layers;
    private readonly double[] _layerWeights;
    private readonly Tensor[] _targets;
    private readonly Func<Tensor, Tensor, Tensor> _layerLoss;

    /// <param name="contentFeatures">The content image's features at (at least) the content layers; copied as float32.</param>
    /// <param name="layers">The content layers and their weights.</param>
    /// <param name="weight">The term's weight (α).</param>
    /// <param name="normalization">How each layer's mismatch is measured.</param>
    public ContentTerm(IReadOnlyDictionary<string, Tensor> contentFeatures, IReadOnlyList<LayerWeight> layers, double weight, LossNormalization normalization)
    {
        _layerLoss = normalization == LossNormalization.All ? (f, p) => LossFunctions.ScaledSquaredError(f, p) : LossFunctions.ContentLoss;
        _layers = layers.Select(l => l.Layer).ToArray();
        _layerWeights = layers.Select(l => l.Weight).ToArray();
        _targets = _layers.Select(l => contentFeatures[l].to(ScalarType.Float32).detach().DetachFromDisposeScope()).ToArray();
        Weight = weight;
    }

    public string Name => "content";

    public double Weight { get; }

    public IReadOnlyList<string> Layers => _layers;

    public Tensor Evaluate(IReadOnlyDictionary<string, Tensor> features, Tensor image) =>
        LossFunctions.WeightedSum(_layers.Select(l => features[l].to(ScalarType.Float32)).ToArray(), _targets, _layerWeights, _layerLoss);

    public void Dispose()
    {
        foreach (var target in _targets)
        {
            target.Dispose();
        }
    }
}
