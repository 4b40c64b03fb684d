namespace NeuralStyle;

/// <summary>How neighbouring-pixel differences are combined in the total variation loss.</summary>
public enum TotalVariationNorm
{
    /// <summary>Σ|x[i+1,j] − x[i,j]| + Σ|x[i,j+1] − x[i,j]| (the default; tf.image.total_variation, the golden reference).</summary>
    AbsoluteSum,

    /// <summary>Σ(x[i+1,j] − x[i,j])² + Σ(x[i,j+1] − x[i,j])² (jcjohnson/neural-style).</summary>
    SquaredSum,

    /// <summary>The mean of the squared differences over each direction, summed (crowsonkb/style-transfer-pytorch; size-independent).</summary>
    SquaredMean,
}
