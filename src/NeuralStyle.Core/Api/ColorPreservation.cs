namespace NeuralStyle;

/// <summary>Whether, and how, the result keeps the content photo's colours (Gatys et al. 2017, "Controlling Perceptual Factors in Neural Style Transfer").</summary>
public enum ColorPreservation
{
    /// <summary>The result takes the style's colours (the default).</summary>
    None,

    /// <summary>
    /// Before the run, the style image is recoloured so that its colour mean and covariance match
    /// the content's; the result then has the content's palette with the style's textures.
    /// </summary>
    MatchStyleToContent,

    /// <summary>
    /// After the run, the result's luminance is combined with the content's chroma (YCbCr): the
    /// content's colours exactly, with the style's light and texture.
    /// </summary>
    LuminanceOnly,
}
