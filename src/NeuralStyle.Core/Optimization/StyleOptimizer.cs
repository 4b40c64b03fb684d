using NeuralStyle.Imaging;
using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>
/// Optimises an image so that its features match a content image's and its Gram matrices match a
/// style image's: it owns the image being optimised and its update rule (Adam, L-BFGS, or L-BFGS
/// then Adam), and each <see cref="Step"/> makes one iteration with automatic differentiation, then
/// clamps the image to [0, 1]. The same optimiser runs every scale of <see cref="StyleTransfer"/>.
/// </summary>
/// <remarks>
/// Targets are computed once, in the constructor, without gradient tracking. The optimiser also
/// keeps the image with the lowest loss measured so far: the last step of a run has not been
/// measured, and an L-BFGS step can overshoot, so call <see cref="KeepBestImage"/> after the last
/// <see cref="Step"/> to end on an image whose loss is known. Every tensor an
/// iteration creates is released before <see cref="Step"/> returns, so memory does not grow with
/// the number of iterations. Not thread-safe: use an instance from one thread at a time (dispose
/// scopes and no_grad are per thread).
/// </remarks>
public sealed class StyleOptimizer : IDisposable
{
    private readonly ScaleOptimizer _optimizer;

    /// <summary>Prepares the targets and the optimiser for one style image.</summary>
    /// <param name="extractor">The feature network (not owned; keep it alive while this object is used).</param>
    /// <param name="content">The content image, NCHW 1×3×H×W in [0, 1], on the extractor's device.</param>
    /// <param name="style">The style image, NCHW 1×3×H'×W' in [0, 1] (any size).</param>
    /// <param name="initialImage">Where to start, the same size as <paramref name="content"/>; copied.</param>
    /// <param name="settings">The loss's layers and weights, and the optimiser.</param>
    /// <exception cref="ArgumentException">A tensor has the wrong shape or a layer is unknown.</exception>
    public StyleOptimizer(IFeatureExtractor extractor, Tensor content, Tensor style, Tensor initialImage, StyleOptimizerSettings settings)
        : this(extractor, content, [new StyleTensor(style)], initialImage, settings)
    {
    }

    /// <summary>Prepares the targets and the optimiser for one or more style images, blended or masked.</summary>
    /// <param name="extractor">The feature network (not owned; keep it alive while this object is used).</param>
    /// <param name="content">The content image, NCHW 1×3×H×W in [0, 1], on the extractor's device.</param>
    /// <param name="styles">The style images with their blend weights and, for all or none of them, masks of H×W.</param>
    /// <param name="initialImage">Where to start, the same size as <paramref name="content"/>; copied.</param>
    /// <param name="settings">The loss's layers and weights, and the optimiser.</param>
    /// <exception cref="ArgumentException">A tensor has the wrong shape, a layer is unknown, or only some styles have masks.</exception>
    public StyleOptimizer(IFeatureExtractor extractor, Tensor content, IReadOnlyList<StyleTensor> styles, Tensor initialImage, StyleOptimizerSettings settings)
    {
        Guard.NotNull(extractor);
        Guard.NotNull(content);
        Guard.NotNull(styles);
        Guard.NotNull(initialImage);
        Guard.NotNull(settings);
        settings.Validate();
        RequireShapes(content, styles, initialImage);
        _optimizer = ScaleOptimizers.Whole(extractor, content, styles, initialImage, settings);
    }

    /// <summary>The number of iterations made so far.</summary>
    public int Iteration => _optimizer.Iteration;

    /// <summary>Makes one iteration and returns the loss terms measured in it (at the image before the update).</summary>
    /// <exception cref="DivergenceException">A loss term became NaN or infinite; the image is left as it was before the step.</exception>
    public LossTerms Step() => _optimizer.Step();

    /// <summary>
    /// Ends on an image whose loss is known: measures the current image (the last <see cref="Step"/>
    /// moved it to a point nobody measured) and, if its loss is above the lowest loss measured so far,
    /// puts back the image that had that loss. Costs one forward pass. The iterate average
    /// (<see cref="StyleTransferOptions.AveragingDecay"/>) is left as it is.
    /// </summary>
    /// <returns>The loss terms of the image now held.</returns>
    /// <exception cref="DivergenceException">The current image's loss is NaN or infinite and no earlier image was measured.</exception>
    public LossTerms KeepBestImage() => _optimizer.KeepBestImage();

    /// <summary>
    /// A detached copy of the current image (NCHW 1×3×H×W in [0, 1]), or of the iterate average when
    /// <see cref="StyleTransferOptions.AveragingDecay"/> is on and an iteration has been made; the caller owns it.
    /// </summary>
    public Tensor CopyImage() => _optimizer.CopyImage();

    /// <summary>The current image as an 8-bit <see cref="RgbImage"/>.</summary>
    public RgbImage ToRgbImage() => _optimizer.ToRgbImage();

    /// <summary>The loss terms of any image of this optimiser's size under its objective (no gradients; the image held is not touched).</summary>
    internal LossTerms Measure(Tensor image) => _optimizer.Measure(image);

    /// <summary>Releases the image, the optimiser state and the targets.</summary>
    public void Dispose() => _optimizer.Dispose();

    private static void RequireShapes(Tensor content, IReadOnlyList<StyleTensor> styles, Tensor initialImage)
    {
        if (!initialImage.shape.SequenceEqual(content.shape))
        {
            Guard.ThrowArgument(
                $"The initial image [{string.Join(", ", initialImage.shape)}] must have the content's shape [{string.Join(", ", content.shape)}].",
                nameof(initialImage));
        }

        if (styles.Count == 0)
        {
            Guard.ThrowArgument("Give at least one style.", nameof(styles));
        }

        foreach (var style in styles)
        {
            Guard.NotNull(style, nameof(styles));
        }

        var masked = styles.Count(s => s.Mask is not null);
        if (masked != 0 && masked != styles.Count)
        {
            Guard.ThrowArgument($"Either every style has a mask or none has; {masked} of {styles.Count} have one.", nameof(styles));
        }

        if (!(styles.Sum(s => s.Weight) > 0))
        {
            Guard.ThrowArgument("The styles' blend weights are all 0; give at least one a positive weight.", nameof(styles));
        }

        foreach (var mask in styles.Select(s => s.Mask).OfType<Tensor>())
        {
            if (mask.shape[2] != content.shape[2] || mask.shape[3] != content.shape[3])
            {
                Guard.ThrowArgument(
                    $"A mask is {mask.shape[3]} × {mask.shape[2]} but the image is {content.shape[3]} × {content.shape[2]}; masks must have the image's size.",
                    nameof(styles));
            }
        }
    }
}
