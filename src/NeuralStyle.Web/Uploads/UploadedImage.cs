using NeuralStyle.Imaging;
using SkiaSharp;

namespace NeuralStyle.Web.Uploads;

/// <summary>
/// Turns an uploaded file into an image, trusting only its bytes: the format is sniffed from its
/// content (never from its name or declared type), its size is read from its header and checked
/// against the pixel limit before any pixels are decoded, and only then is it decoded.
/// </summary>
internal static class UploadedImage
{
    /// <summary>The formats the app takes.</summary>
    public const string AcceptedFormats = "PNG, JPEG, WebP, GIF or BMP";

    /// <summary>The bytes <paramref name="encoded"/> takes decoded (3 per pixel), from its header; refused as <see cref="Decode"/> refuses it.</summary>
    /// <exception cref="Api.RequestRefusedException">Not an accepted format, or too many pixels.</exception>
    public static long DecodedBytes(byte[] encoded, string what, string field, long maxPixels)
    {
        var (width, height) = CheckedHeader(encoded, what, field, maxPixels);
        return 3L * width * height;
    }

    /// <summary>Decodes <paramref name="encoded"/>, or refuses it with a message about <paramref name="what"/> ("the content image").</summary>
    /// <exception cref="Api.RequestRefusedException">Not an accepted format, too many pixels, or corrupt.</exception>
    public static RgbImage Decode(byte[] encoded, string what, string field, long maxPixels)
    {
        CheckedHeader(encoded, what, field, maxPixels);
        try
        {
            return RgbImage.Load(encoded, new ImageLoadOptions { MaxPixelCount = maxPixels });
        }
        catch (ImageLoadException ex)
        {
            throw new Api.RequestRefusedException(
                StatusCodes.Status422UnprocessableEntity,
                "Unreadable image",
                $"{Capitalised(what)} could not be read ({ex.Reason}); check the file and try again.",
                field);
        }
    }

    private static (int Width, int Height) CheckedHeader(byte[] encoded, string what, string field, long maxPixels)
    {
        var (format, width, height) = ReadHeader(encoded);
        if (format is null)
        {
            throw new Api.RequestRefusedException(
                StatusCodes.Status415UnsupportedMediaType,
                "Unsupported image",
                $"{Capitalised(what)} is not a {AcceptedFormats} image; save it in one of those formats and try again.",
                field);
        }

        if ((long)width * height > maxPixels)
        {
            throw new Api.RequestRefusedException(
                StatusCodes.Status413PayloadTooLarge,
                "Image too large",
                $"{Capitalised(what)} is {width} × {height} px ({(long)width * height / 1e6:0.#} megapixels); this app takes images of at most {maxPixels / 1e6:0.#} megapixels. Scale it down and try again.",
                field);
        }

        return (width, height);
    }

    /// <summary>The accepted format that the bytes are in, and the size its header gives; a null format when it is none of them.</summary>
    private static (string? Format, int Width, int Height) ReadHeader(byte[] encoded)
    {
        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data);
        if (codec is null)
        {
            return (null, 0, 0);
        }

        string? format = codec.EncodedFormat switch
        {
            SKEncodedImageFormat.Png => "PNG",
            SKEncodedImageFormat.Jpeg => "JPEG",
            SKEncodedImageFormat.Webp => "WebP",
            SKEncodedImageFormat.Gif => "GIF",
            SKEncodedImageFormat.Bmp => "BMP",
            _ => null,
        };
        return (format, codec.Info.Width, codec.Info.Height);
    }

    private static string Capitalised(string text) => char.ToUpperInvariant(text[0]) + text[1..];
}
