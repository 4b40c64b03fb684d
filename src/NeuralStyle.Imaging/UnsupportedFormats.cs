namespace NeuralStyle.Imaging;

/// <summary>
/// Recognises image formats the decoder does not read, by their signatures, so that such a file is
/// refused as "not supported" rather than as corrupt.
/// </summary>
internal static class UnsupportedFormats
{
    private static ReadOnlySpan<byte> JpegXlCodestream => [0xFF, 0x0A];

    private static ReadOnlySpan<byte> JpegXlContainer => [0, 0, 0, 0x0C, (byte)'J', (byte)'X', (byte)'L', (byte)' '];

    /// <summary>The name of the unsupported format <paramref name="encoded"/> starts with, or null.</summary>
    public static string? Identify(ReadOnlySpan<byte> encoded)
    {
        if (encoded.StartsWith("II*\0"u8) || encoded.StartsWith("MM\0*"u8) || encoded.StartsWith("II+\0"u8) || encoded.StartsWith("MM\0+"u8))
        {
            return "TIFF";
        }

        if (encoded.StartsWith("8BPS"u8))
        {
            return "Photoshop (PSD)";
        }

        if (encoded.StartsWith("%PDF"u8))
        {
            return "PDF";
        }

        if (encoded.StartsWith(JpegXlCodestream) || encoded.StartsWith(JpegXlContainer))
        {
            return "JPEG XL";
        }

        if (encoded.Length >= 12 && encoded[4..8].SequenceEqual("ftyp"u8))
        {
            var brand = encoded[8..12];
            if (brand.SequenceEqual("avif"u8) || brand.SequenceEqual("avis"u8))
            {
                return "AVIF";
            }

            if (brand.SequenceEqual("heic"u8) || brand.SequenceEqual("heix"u8) || brand.SequenceEqual("mif1"u8) || brand.SequenceEqual("msf1"u8) || brand.SequenceEqual("hevc"u8))
            {
                return "HEIF/HEIC";
            }
        }

        return null;
    }
}
