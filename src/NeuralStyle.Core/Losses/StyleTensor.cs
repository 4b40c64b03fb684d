using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>
/// A style image as a tensor, with its blend weight and optional region mask: the form
/// <see cref="StyleOptimizer"/> takes (<see cref="StyleImage"/> is the file-level form).
/// </summary>
public sealed class StyleTensor
{
    /// <summary>Creates a style input.</summary>
    /// <param name="image">NCHW 1×3×H×W in [0, 1], any size, on the extractor's device. Not owned.</param>
    /// <param name="weight">Blend weight, finite and at least 0 (a run's weights are normalised to sum to 1; their sum must be above 0).</param>
    /// <param name="mask">
    /// Null, or a 1×1×H×W tensor in [0, 1] the size of the image being optimised, saying where this style
    /// applies. Either every style has a mask or none has. Not owned.
    /// </param>
    /// <exception cref="ArgumentException">A tensor has the wrong shape, or the weight is out of range.</exception>
    public StyleTensor(Tensor image, double weight = 1.0, Tensor? mask = null)
    {
        Guard.NotNull(image);
        Guard.MustBeFiniteAndNonNegative(weight, nameof(weight));
        if (image.dim() != 4 || image.shape[0] != 1 || image.shape[1] != 3)
        {
            Guard.ThrowArgument($"Expected a 1×3×H×W style image but got [{string.Join(", ", image.shape)}].", nameof(image));
        }

        if (mask is not null && (mask.dim() != 4 || mask.shape[0] != 1 || mask.shape[1] != 1))
        {
            Guard.ThrowArgument($"Expected a 1×1×H×W mask but got [{string.Join(", ", mask.shape)}].", nameof(mask));
        }

        Image = image;
        Weight = weight;
        Mask = mask;
    }

    /// <summary>The style image.</summary>
    public Tensor Image { get; }

    /// <summary>The blend weight (before normalisation).</summary>
    public double Weight { get; }

    /// <summary>Where the style applies, or null for everywhere.</summary>
    public Tensor? Mask { get; }

    /// <summary>A style with weight 1 and no mask.</summary>
    /// <param name="image">The style image.</param>
    public static implicit operator StyleTensor(Tensor image) => new(image);
}
