namespace NeuralStyle;

/// <summary>How neighbouring-pixel differences are combined in the total variation loss.</summary>
public enum TotalVariationNorm
{
    /// <summary>Σ|x[i+1,j] − x[i,j]| + Σ|x[i,j+1] − x[i,j]| (tf.image.total_variation, as the TensorFlow tutorial and the golden reference use it; grows with the pixel count).</summary>
    AbsoluteSum,

    /// <summary>Σ(x[i+1,j] − x[i,j])² + Σ(x[i,j+1] − x[i,j])² (jcjohnson/neural-style).</summary>
    SquaredSum,

    /// <summary>The mean of the squared differences over each direction, summed (crowsonkb/style-transfer-pytorch; size-independent).</summary>
    SquaredMean,

    /// <summary>The mean of the absolute differences over each direction, summed: the same as <see cref="AbsoluteSum"/> divided by the number of differences, so it does not grow with the image (the options' default).</summary>
    AbsoluteMean,
}
