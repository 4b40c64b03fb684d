namespace NeuralStyle.Imaging;

/// <summary>
/// Conversion between RGB and YCbCr (ITU-R BT.601, full range, as JPEG uses it) on planar float
/// data in the engine's tensor layout: three planes of <c>pixelCount</c> values, in [0, 1].
/// Cb and Cr are offset by 0.5 so that neutral grey maps to (Y, 0.5, 0.5).
/// Used for luminance-only style transfer: stylise Y, keep the content's Cb and Cr.
/// </summary>
public static class YCbCr
{
    /// <summary>Converts planar RGB to planar YCbCr.</summary>
    /// <param name="rgb">R plane, G plane, B plane (3 × pixelCount values).</param>
    /// <param name="destination">Receives the Y, Cb and Cr planes; same length as <paramref name="rgb"/>. May be the same buffer.</param>
    /// <exception cref="ArgumentException">The lengths differ or are not a multiple of 3.</exception>
    public static void FromRgb(ReadOnlySpan<float> rgb, Span<float> destination)
    {
        var n = PlaneSize(rgb.Length, destination.Length);
        for (var p = 0; p < n; p++)
        {
            float r = rgb[p], g = rgb[n + p], b = rgb[(2 * n) + p];
            destination[p] = (0.299f * r) + (0.587f * g) + (0.114f * b);
            destination[n + p] = 0.5f - (0.168736f * r) - (0.331264f * g) + (0.5f * b);
            destination[(2 * n) + p] = 0.5f + (0.5f * r) - (0.418688f * g) - (0.081312f * b);
        }
    }

    /// <summary>Converts planar YCbCr back to planar RGB (not clipped).</summary>
    /// <param name="ycbcr">Y plane, Cb plane, Cr plane (3 × pixelCount values).</param>
    /// <param name="destination">Receives the R, G and B planes; same length. May be the same buffer.</param>
    /// <exception cref="ArgumentException">The lengths differ or are not a multiple of 3.</exception>
    public static void ToRgb(ReadOnlySpan<float> ycbcr, Span<float> destination)
    {
        var n = PlaneSize(ycbcr.Length, destination.Length);
        for (var p = 0; p < n; p++)
        {
            float y = ycbcr[p], cb = ycbcr[n + p] - 0.5f, cr = ycbcr[(2 * n) + p] - 0.5f;
            destination[p] = y + (1.402f * cr);
            destination[n + p] = y - (0.344136f * cb) - (0.714136f * cr);
            destination[(2 * n) + p] = y + (1.772f * cb);
        }
    }

    /// <summary>
    /// Returns an image with the luminance (Y) of <paramref name="luminanceFrom"/> and the chroma
    /// (Cb, Cr) of <paramref name="chromaFrom"/>, clipped to 8 bits: the "keep the original colours"
    /// step of luminance-only style transfer.
    /// </summary>
    /// <exception cref="ArgumentException">The images differ in size.</exception>
    public static RgbImage Combine(RgbImage luminanceFrom, RgbImage chromaFrom)
    {
        Guard.NotNull(luminanceFrom);
        Guard.NotNull(chromaFrom);
        if (luminanceFrom.Width != chromaFrom.Width || luminanceFrom.Height != chromaFrom.Height)
        {
            Guard.ThrowArgument(
                $"The images must have the same size; got {luminanceFrom.Width} × {luminanceFrom.Height} and {chromaFrom.Width} × {chromaFrom.Height}.",
                nameof(chromaFrom));
        }

        var luminance = luminanceFrom.ToTensorData();
        var chroma = chromaFrom.ToTensorData();
        FromRgb(luminance, luminance);
        FromRgb(chroma, chroma);
        var planeSize = luminanceFrom.PixelCount;
        luminance.AsSpan(0, planeSize).CopyTo(chroma);
        ToRgb(chroma, chroma);
        return RgbImage.FromTensorData(chroma, luminanceFrom.Width, luminanceFrom.Height);
    }

    private static int PlaneSize(int sourceLength, int destinationLength)
    {
        if (sourceLength % 3 != 0 || sourceLength != destinationLength)
        {
            Guard.ThrowArgument(
                $"Expected two buffers of the same length, a multiple of 3 (three planes); got {sourceLength} and {destinationLength}.",
                "destination");
        }

        return sourceLength / 3;
    }
}
