namespace NeuralStyle;

/// <summary>The downsampling between VGG19's blocks.</summary>
public enum Pooling
{
    /// <summary>2×2 max pooling, as VGG19 was trained (the default).</summary>
    Max,

    /// <summary>
    /// 2×2 average pooling, multiplied by <see cref="Vgg19FeatureExtractor.AveragePoolingScale"/> so
    /// that deeper activations keep about the scale they have with max pooling (the loss weights stay
    /// valid). Gatys et al. found it gives smoother gradients and slightly more appealing results.
    /// </summary>
    Average,
}
