using NeuralStyle.Imaging;

namespace NeuralStyle;

/// <summary>Turns the decoded inputs into the images each scale of the optimisation uses, and the result into the output.</summary>
internal static class InputPreparation
{
    private const int MaximumOutputSize = 8192;

    /// <summary>The shortest side a style is measured at: smaller, its deepest layers' maps would be a pixel or less.</summary>
    private const int SmallestStyleSide = 16;

    /// <summary>The most elongated style image accepted, long side over short side.</summary>
    public const int MaximumAspectRatio = MaximumOutputSize / SmallestStyleSide;

    /// <summary>The content scaled to the output size (up or down).</summary>
    public static RgbImage Content(RgbImage content, StyleTransferOptions options) =>
        content.ResizeToFit(options.OutputSize, allowUpscale: true);

    /// <summary>Checks that the content, at the output size, is large enough on both sides for the deepest layer the options use.</summary>
    /// <exception cref="ArgumentException">Its shorter side is too small; the message gives the sizes and the smallest output size that works.</exception>
    public static void RequireLargeEnough(RgbImage decoded, RgbImage preparedContent, StyleTransferOptions options)
    {
        var deepest = options.Optimization.DeepestLayer;
        var minimum = Vgg19Architecture.MinimumSide(deepest);
        if (Math.Min(preparedContent.Width, preparedContent.Height) >= minimum)
        {
            return;
        }

        var longOverShort = (double)Math.Max(decoded.Width, decoded.Height) / Math.Min(decoded.Width, decoded.Height);
        var smallestOutput = (int)Math.Ceiling(minimum * longOverShort);
        var advice = smallestOutput <= MaximumOutputSize
            ? $"set OutputSize to at least {smallestOutput}, or crop the image to a less elongated shape"
            : "crop the image to a less elongated shape";
        Guard.ThrowArgument(
            $"The content image is {decoded.Width} × {decoded.Height} px; at the output size ({options.OutputSize} px on its longest side) " +
            $"it is {preparedContent.Width} × {preparedContent.Height} px, but the network's layers up to {deepest} need at least {minimum} px " +
            $"on each side: {advice}.",
            nameof(StyleTransferOptions.Content));
    }

    /// <summary>The prepared content scaled down to one scale of the schedule.</summary>
    public static RgbImage ContentAt(RgbImage preparedContent, int size) => preparedContent.ResizeToFit(size);

    /// <summary>The style recoloured to the content's palette if asked (at its own resolution; it is scaled per scale).</summary>
    public static RgbImage Style(RgbImage style, RgbImage preparedContent, StyleTransferOptions options) =>
        options.ColorPreservation == ColorPreservation.MatchStyleToContent
            ? ColorMatching.MatchMeanAndCovariance(style, preparedContent)
            : style;

    /// <summary>The style scaled for one scale (<see cref="StyleSizeAt"/>).</summary>
    public static RgbImage StyleAt(RgbImage preparedStyle, int size, StyleTransferOptions options)
    {
        var (width, height) = StyleSizeAt(preparedStyle.Width, preparedStyle.Height, size, options);
        return preparedStyle.Width == width && preparedStyle.Height == height ? preparedStyle : preparedStyle.Resize(width, height);
    }

    /// <summary>
    /// The size of a <paramref name="width"/> × <paramref name="height"/> style at a scale whose
    /// longest side is <paramref name="size"/>: its longest side becomes size × StyleScale, but its
    /// shorter side at least <see cref="SmallestStyleSide"/> px. The plan counts the memory of
    /// measuring it at this size.
    /// </summary>
    public static (int Width, int Height) StyleSizeAt(int width, int height, int size, StyleTransferOptions options)
    {
        var longest = Math.Max(width, height);
        var shortest = Math.Min(width, height);
        var smallestLongSide = (int)Math.Ceiling((double)SmallestStyleSide * longest / shortest);
        return RgbImage.FitSize(width, height, Math.Max(smallestLongSide, (int)Math.Round(size * options.StyleScale)));
    }

    /// <summary>
    /// Checks that a style image is not so elongated that enlarging its shorter side to
    /// <see cref="SmallestStyleSide"/> px makes its longer side more than <see cref="MaximumOutputSize"/> px
    /// (a 1 × 40000 px strip would otherwise be measured as 16 × 640000 px).
    /// </summary>
    /// <exception cref="ArgumentException">It is more elongated than <see cref="MaximumAspectRatio"/>:1.</exception>
    public static void RequireStyleShape(RgbImage style, int styleIndex)
    {
        var longest = Math.Max(style.Width, style.Height);
        var shortest = Math.Min(style.Width, style.Height);
        if (longest <= (long)shortest * MaximumAspectRatio)
        {
            return;
        }

        Guard.ThrowArgument(
            $"Style image {styleIndex + 1} is {style.Width} × {style.Height} px, more elongated than {MaximumAspectRatio}:1: crop it to a less elongated shape.",
            nameof(StyleTransferOptions.Styles));
    }

    /// <summary>A mask as weights in [0, 1] (its luminance), stretched to width × height, row-major.</summary>
    public static float[] MaskAt(RgbImage mask, int width, int height)
    {
        var pixels = mask.Resize(width, height).Pixels;
        var weights = new float[width * height];
        for (var i = 0; i < weights.Length; i++)
        {
            var luminance = (0.299f * pixels[3 * i]) + (0.587f * pixels[(3 * i) + 1]) + (0.114f * pixels[(3 * i) + 2]);
            weights[i] = Math.Clamp(luminance / 255f, 0f, 1f);
        }

        return weights;
    }

    /// <summary>Checks that a mask selects something.</summary>
    /// <exception cref="ArgumentException">The mask is black everywhere.</exception>
    public static void RequireNonEmptyMask(RgbImage mask, int styleIndex)
    {
        foreach (var value in mask.Pixels)
        {
            if (value != 0)
            {
                return;
            }
        }

        Guard.ThrowArgument($"The mask of style {styleIndex + 1} is black everywhere, so that style would apply nowhere; give it a region or remove the style.", nameof(StyleTransferOptions.Styles));
    }

    /// <summary>The optimised image as delivered: with the content's chroma for luminance-only transfer.</summary>
    public static RgbImage Result(RgbImage optimized, RgbImage preparedContent, StyleTransferOptions options) =>
        options.ColorPreservation == ColorPreservation.LuminanceOnly
            ? YCbCr.Combine(optimized, preparedContent)
            : optimized;
}
