using NeuralStyle.Imaging;

namespace NeuralStyle;

/// <summary>Turns the decoded inputs into the images the optimisation uses, and the result into the output.</summary>
internal static class InputPreparation
{
    /// <summary>The content scaled to the output size (up or down).</summary>
    public static RgbImage Content(RgbImage content, StyleTransferOptions options) =>
        content.ResizeToFit(options.OutputSize, allowUpscale: true);

    /// <summary>The style scaled to OutputSize × StyleScale, recoloured to the content's palette if asked.</summary>
    public static RgbImage Style(RgbImage style, RgbImage preparedContent, StyleTransferOptions options)
    {
        var longestSide = Math.Max(16, (int)Math.Round(options.OutputSize * options.StyleScale));
        var scaled = style.ResizeToFit(longestSide, allowUpscale: true);
        return options.ColorPreservation == ColorPreservation.MatchStyleToContent
            ? ColorMatching.MatchMeanAndCovariance(scaled, preparedContent)
            : scaled;
    }

    /// <summary>The optimised image as delivered: with the content's chroma for luminance-only transfer.</summary>
    public static RgbImage Result(RgbImage optimized, RgbImage preparedContent, StyleTransferOptions options) =>
        options.ColorPreservation == ColorPreservation.LuminanceOnly
            ? YCbCr.Combine(optimized, preparedContent)
            : optimized;
}
