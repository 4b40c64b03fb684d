using System.Runtime.InteropServices;
using SkiaSharp;

namespace NeuralStyle.Imaging;

/// <summary>Encodes an <see cref="RgbImage"/> as PNG, JPEG or WebP with SkiaSharp.</summary>
internal static class ImageEncoder
{
    public static ImageFormat FormatFromExtension(string path)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        return extension switch
        {
            ".png" => ImageFormat.Png,
            ".jpg" or ".jpeg" => ImageFormat.Jpeg,
            ".webp" => ImageFormat.Webp,
            _ => throw new ArgumentException(
                $"Cannot tell the image format from the extension '{extension}' of '{path}'. Use .png, .jpg, .jpeg or .webp, or set {nameof(ImageSaveOptions)}.{nameof(ImageSaveOptions.Format)}.",
                nameof(path)),
        };
    }

    public static byte[] Encode(RgbImage image, ImageFormat format, int quality, string destination)
    {
        var rgba = new byte[image.PixelCount * 4];
        var rgb = image.Pixels;
        for (var p = 0; p < image.PixelCount; p++)
        {
            rgba[p * 4] = rgb[p * 3];
            rgba[(p * 4) + 1] = rgb[(p * 3) + 1];
            rgba[(p * 4) + 2] = rgb[(p * 3) + 2];
            rgba[(p * 4) + 3] = 255;
        }

        using var srgb = SKColorSpace.CreateSrgb();
        var info = new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque, srgb);
        var handle = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        try
        {
            using var pixmap = new SKPixmap(info, handle.AddrOfPinnedObject(), image.Width * 4);
            using var encoded = format switch
            {
                ImageFormat.Png => pixmap.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.AllFilters, 6)),
                ImageFormat.Jpeg => pixmap.Encode(new SKJpegEncoderOptions(quality, SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore)),
                ImageFormat.Webp => pixmap.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossy, quality)),
                _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown image format."),
            };
            if (encoded is null)
            {
                throw new ImageSaveException(destination, $"the {format} encoder failed for a {image.Width} × {image.Height} image");
            }

            return encoded.ToArray();
        }
        finally
        {
            handle.Free();
        }
    }
}
