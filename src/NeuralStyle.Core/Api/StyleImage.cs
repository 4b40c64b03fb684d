using NeuralStyle.Imaging;

namespace NeuralStyle;

/// <summary>
/// One style image of a run: the artwork, its blend weight, and optionally a mask saying where in
/// the output it applies.
/// </summary>
/// <remarks>
/// A string or an <see cref="RgbImage"/> converts to a style with weight 1 and no mask, so
/// <c>Styles = ["starry_night.jpg"]</c> is enough for one style.
/// </remarks>
public sealed class StyleImage
{
    /// <summary>Creates a style.</summary>
    /// <param name="image">The artwork.</param>
    /// <param name="weight">
    /// Its blend weight, finite and at least 0. The weights of a run's styles are normalised to sum to 1
    /// (their sum must be above 0); a style of weight 0 has no effect.
    /// Without masks the styles' Gram matrices are blended with these weights; with masks each
    /// style's loss (over its region) is weighted by them.
    /// </param>
    /// <param name="mask">
    /// Where this style applies: a grayscale image (any colour image is read by its luminance),
    /// white where the style applies fully and black where it does not, stretched to the output's
    /// size. Either every style of a run has a mask or none has.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="image"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="weight"/> is negative or not finite.</exception>
    public StyleImage(ImageInput image, double weight = 1.0, ImageInput? mask = null)
    {
        Guard.NotNull(image);
        Guard.MustBeFiniteAndNonNegative(weight, nameof(weight));
        Image = image;
        Weight = weight;
        Mask = mask;
    }

    /// <summary>The artwork.</summary>
    public ImageInput Image { get; }

    /// <summary>The blend weight (before normalisation).</summary>
    public double Weight { get; }

    /// <summary>Where this style applies (white) and where not (black); null applies it everywhere.</summary>
    public ImageInput? Mask { get; }

    /// <summary>A style read from a file, with weight 1 and no mask.</summary>
    /// <param name="path">The artwork's path.</param>
    public static implicit operator StyleImage(string path) => new(path);

    /// <summary>A style from a decoded image, with weight 1 and no mask.</summary>
    /// <param name="image">The artwork.</param>
    public static implicit operator StyleImage(RgbImage image) => new(image);
}
