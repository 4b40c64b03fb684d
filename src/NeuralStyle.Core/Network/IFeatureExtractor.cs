using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>
/// Computes a network's activations ("features") at named layers for an image tensor.
/// </summary>
/// <remarks>
/// Implementations are safe to call from several threads at once; <see cref="IDisposable.Dispose"/>
/// must not race with calls.
/// </remarks>
public interface IFeatureExtractor : IDisposable
{
    /// <summary>The layers this extractor can return, shallowest first.</summary>
    IReadOnlyList<string> LayerNames { get; }

    /// <summary>The device the network's weights live on; images passed in must be on it too.</summary>
    Device Device { get; }

    /// <summary>
    /// Runs the network on <paramref name="image"/> as far as the deepest requested layer and
    /// returns the activations of the requested layers (after their ReLU), keyed by layer name.
    /// Gradients flow back to <paramref name="image"/> when it requires them.
    /// </summary>
    /// <param name="image">An NCHW float32 tensor with 3 channels, RGB in [0, 1].</param>
    /// <param name="layers">The layer names wanted; each must be in <see cref="LayerNames"/>.</param>
    /// <returns>
    /// New tensors that the caller owns and must dispose, in the extractor's number format (bfloat16
    /// from a <see cref="Vgg19FeatureExtractor"/> made for <see cref="ComputePrecision.BFloat16"/>):
    /// convert them to float32 before summing many of them. Their shape is NCHW, but their memory
    /// layout may not be contiguous (a bfloat16 <see cref="Vgg19FeatureExtractor"/> keeps them
    /// channels-last): use <c>reshape</c>, not <c>view</c>, to flatten them.
    /// </returns>
    /// <exception cref="ArgumentException">The image has the wrong shape or a layer name is unknown.</exception>
    IReadOnlyDictionary<string, Tensor> Extract(Tensor image, IReadOnlyCollection<string> layers);
}
