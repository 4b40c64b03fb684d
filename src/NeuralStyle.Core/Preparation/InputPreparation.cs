using NeuralStyle.Imaging;

namespace NeuralStyle;

/// <summary>Turns the decoded inputs into the images each scale of the optimisation uses, and the result into the output.</summary>
internal static class InputPreparation
{
    private const int MaximumOutputSize = 8192;

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
            ? $"use an OutputSize of at least {smallestOutput}, or crop the image to a less elongated shape"
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

    /// <summary>The style scaled for one scale: its longest side becomes size × StyleScale, but its shorter side at least 16 px.</summary>
    public static RgbImage StyleAt(RgbImage preparedStyle, int size, StyleTransferOptions options)
    {
        var longest = Math.Max(preparedStyle.Width, preparedStyle.Height);
        var shortest = Math.Min(preparedStyle.Width, preparedStyle.Height);
        var smallestLongSide = (int)Math.Ceiling(16.0 * longest / shortest);
        return preparedStyle.ResizeToFit(Math.Max(smallestLongSide, (int)Math.Round(size * options.StyleScale)), allowUpscale: true);
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

    /// <summary>Refuses, before any work, an output whose folder is missing or that exists and may not be replaced.</summary>
    /// <exception cref="ImageSaveException">The output cannot be written.</exception>
    public static void CheckOutputPath(StyleTransferOptions options)
    {
        if (options.OutputPath is null)
        {
            return;
        }

        var full = Path.GetFullPath(options.OutputPath);
        var folder = Path.GetDirectoryName(full);
        if (folder is not null && !Directory.Exists(folder))
        {
            throw new ImageSaveException(options.OutputPath, $"the folder '{folder}' does not exist; create it first");
        }

        if (!options.OverwriteOutput && File.Exists(full))
        {
            throw new ImageSaveException(options.OutputPath, $"a file already exists there; set {nameof(StyleTransferOptions.OverwriteOutput)} to replace it");
        }
    }
}
