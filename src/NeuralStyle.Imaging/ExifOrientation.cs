namespace NeuralStyle.Imaging;

/// <summary>
/// Applies an EXIF orientation (TIFF tag 274, values 1–8) to decoded pixels so that the image is
/// upright as a viewer shows it. SkiaSharp's codec reports the orientation but does not apply it.
/// </summary>
internal static class ExifOrientation
{
    /// <param name="rgb">The stored pixels, <paramref name="width"/> × <paramref name="height"/>, RGB.</param>
    /// <param name="width">Stored width.</param>
    /// <param name="height">Stored height.</param>
    /// <param name="orientation">The EXIF value; anything outside 2–8 means "as stored".</param>
    public static RgbImage Apply(byte[] rgb, int width, int height, int orientation)
    {
        if (orientation is < 2 or > 8)
        {
            return RgbImage.WrapOwned(width, height, rgb);
        }

        // Orientations 5–8 swap the axes: the stored rows become displayed columns.
        var swapsAxes = orientation >= 5;
        var outWidth = swapsAxes ? height : width;
        var outHeight = swapsAxes ? width : height;
        var result = new byte[rgb.Length];
        for (var y = 0; y < outHeight; y++)
        {
            for (var x = 0; x < outWidth; x++)
            {
                var (sx, sy) = SourceOf(x, y, width, height, orientation);
                var s = ((sy * width) + sx) * 3;
                var d = ((y * outWidth) + x) * 3;
                result[d] = rgb[s];
                result[d + 1] = rgb[s + 1];
                result[d + 2] = rgb[s + 2];
            }
        }

        return RgbImage.WrapOwned(outWidth, outHeight, result);
    }

    /// <summary>The stored pixel shown at displayed position (x, y).</summary>
    private static (int X, int Y) SourceOf(int x, int y, int width, int height, int orientation) => orientation switch
    {
        2 => (width - 1 - x, y),                   // mirrored horizontally
        3 => (width - 1 - x, height - 1 - y),      // rotated 180°
        4 => (x, height - 1 - y),                  // mirrored vertically
        5 => (y, x),                               // transposed
        6 => (y, height - 1 - x),                  // stored rotated 90° counter-clockwise
        7 => (width - 1 - y, height - 1 - x),      // transversed
        8 => (width - 1 - y, x),                   // stored rotated 90° clockwise
        _ => (x, y),
    };
}
