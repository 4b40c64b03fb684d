using System.Runtime.InteropServices;
using SkiaSharp;

namespace NeuralStyle.Imaging;

/// <summary>
/// Decodes encoded bytes with <see cref="SKCodec"/> into an 8-bit sRGB <see cref="RgbImage"/>:
/// checks the header's size before allocating pixels, converts any pixel format and colour space
/// to sRGB, composites alpha over the background, and applies the EXIF orientation.
/// </summary>
internal static class ImageDecoder
{
    public static RgbImage Decode(ReadOnlySpan<byte> encoded, string sourceName, ImageLoadOptions options)
    {
        if (encoded.Length == 0)
        {
            throw new ImageLoadException(sourceName, "it is empty (0 bytes)");
        }

        if (UnsupportedFormats.Identify(encoded) is { } format)
        {
            throw new ImageLoadException(sourceName, $"it is a {format} image, which is not supported; convert it to PNG, JPEG or WebP");
        }

        // One copy into native memory; the codec takes ownership of the stream over it (and frees it
        // when creation fails), and the data outlives the codec.
        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(new SKMemoryStream(data), out var createResult);
        if (codec is null)
        {
            throw new ImageLoadException(sourceName, DescribeCreateFailure(createResult, encoded));
        }

        var width = codec.Info.Width;
        var height = codec.Info.Height;
        if (width <= 0 || height <= 0)
        {
            throw new ImageLoadException(sourceName, $"its header gives an invalid size of {width} × {height} pixels");
        }

        var pixelCount = (long)width * height;
        if (pixelCount > options.MaxPixelCount)
        {
            throw new ImageLoadException(
                sourceName,
                $"its header claims {width} × {height} = {pixelCount:N0} pixels, more than the limit of " +
                $"{options.MaxPixelCount:N0}; raise {nameof(ImageLoadOptions)}.{nameof(ImageLoadOptions.MaxPixelCount)} if the image is genuine");
        }

        var rgba = DecodeRgba(codec, width, height, sourceName);
        var rgb = CompositeOverBackground(rgba, options.Background);
        return ExifOrientation.Apply(rgb, width, height, (int)codec.EncodedOrigin);
    }

    private static byte[] DecodeRgba(SKCodec codec, int width, int height, string sourceName)
    {
        using var srgb = SKColorSpace.CreateSrgb();
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul, srgb);
        byte[] rgba;
        try
        {
            rgba = new byte[checked(width * height * 4)];
        }
        catch (Exception ex) when (ex is OverflowException or OutOfMemoryException)
        {
            throw new ImageLoadException(sourceName, $"an image of {width} × {height} pixels does not fit in memory", ex);
        }

        var handle = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        SKCodecResult result;
        try
        {
            result = codec.GetPixels(info, handle.AddrOfPinnedObject());
        }
        finally
        {
            handle.Free();
        }

        return result switch
        {
            SKCodecResult.Success => rgba,
            SKCodecResult.IncompleteInput => throw new ImageLoadException(sourceName, "the data is truncated (the image ends before all its pixels)"),
            SKCodecResult.ErrorInInput => throw new ImageLoadException(sourceName, "the data is corrupt"),
            SKCodecResult.InvalidConversion => throw new ImageLoadException(sourceName, $"its pixel format ({codec.Info.ColorType}) cannot be converted to 8-bit sRGB"),
            _ => throw new ImageLoadException(sourceName, $"the decoder failed ({result})"),
        };
    }

    private static string DescribeCreateFailure(SKCodecResult result, ReadOnlySpan<byte> encoded) => result switch
    {
        SKCodecResult.IncompleteInput => "the data is truncated (the image header is incomplete)",
        SKCodecResult.ErrorInInput or SKCodecResult.InvalidInput => "the data is corrupt",
        _ when encoded.Length < 16 => $"it is not an image (only {encoded.Length} bytes, no recognised image signature)",
        _ => "it is not an image in a supported format (PNG, JPEG, WebP, GIF, BMP, ICO or WBMP): no recognised signature",
    };

    /// <summary>Drops alpha: out = a·colour + (1 − a)·background, rounded to the nearest level.</summary>
    private static byte[] CompositeOverBackground(byte[] rgba, RgbColor background)
    {
        var pixelCount = rgba.Length / 4;
        var rgb = new byte[pixelCount * 3];
        for (var p = 0; p < pixelCount; p++)
        {
            var a = rgba[(p * 4) + 3];
            var o = p * 3;
            if (a == 255)
            {
                rgb[o] = rgba[p * 4];
                rgb[o + 1] = rgba[(p * 4) + 1];
                rgb[o + 2] = rgba[(p * 4) + 2];
                continue;
            }

            rgb[o] = Blend(rgba[p * 4], background.R, a);
            rgb[o + 1] = Blend(rgba[(p * 4) + 1], background.G, a);
            rgb[o + 2] = Blend(rgba[(p * 4) + 2], background.B, a);
        }

        return rgb;
    }

    private static byte Blend(byte colour, byte background, byte alpha) =>
        (byte)(((colour * alpha) + (background * (255 - alpha)) + 127) / 255);
}
