using System.Buffers.Binary;
using Xunit.Abstractions;

namespace NeuralStyle.Imaging.Tests;

/// <summary>
/// A few hundred broken images derived from valid PNG, JPEG and WebP files: each must decode or fail
/// with <see cref="ImageLoadException"/>, and never crash the process or throw anything else. The
/// work each may cause is bounded by the pixel limit, not timed: a corrupted header that claims a
/// larger image is refused before any pixels are allocated or decoded.
/// </summary>
public class MalformedImageFuzzTests(ITestOutputHelper output)
{
    /// <summary>Four times the pixels of the 48 × 40 images the inputs are made from.</summary>
    private static readonly ImageLoadOptions Bounded = new() { MaxPixelCount = 4 * 48 * 40 };

    [Fact]
    public void Every_malformed_input_decodes_or_fails_with_the_typed_exception()
    {
        var cases = MalformedInputs().ToList();
        var decoded = 0;
        var refused = 0;
        var problems = new List<string>();
        foreach (var (name, bytes) in cases)
        {
            try
            {
                var image = RgbImage.Load(bytes, Bounded);
                Assert.True(image.Width > 0 && image.Height > 0 && image.Pixels.Length == image.PixelCount * 3, name);
                Assert.True(image.PixelCount <= Bounded.MaxPixelCount, name);
                decoded++;
            }
            catch (ImageLoadException)
            {
                refused++;
            }
            catch (Exception ex)
            {
                problems.Add($"{name}: {ex.GetType().Name}: {ex.Message}");
            }
        }

        output.WriteLine($"{cases.Count} inputs: {decoded} decoded, {refused} refused with ImageLoadException.");
        Assert.Empty(problems);
        Assert.True(cases.Count >= 300, $"only {cases.Count} inputs were tried");
        Assert.True(refused > 100, $"only {refused} inputs were refused: the corruptions are not reaching the decoder");
    }

    [Theory]
    [InlineData(ImageFormat.Png, ".jpg")]
    [InlineData(ImageFormat.Jpeg, ".webp")]
    [InlineData(ImageFormat.Webp, ".png")]
    public void A_file_with_the_wrong_extension_is_decoded_by_its_content(ImageFormat format, string extension)
    {
        var path = Path.Combine(Path.GetTempPath(), $"neuralstyle-fuzz-{Guid.NewGuid():N}{extension}");
        File.WriteAllBytes(path, TestImages.Gradient(48, 40).Encode(format));
        try
        {
            var image = RgbImage.Load(path);

            Assert.Equal((48, 40), (image.Width, image.Height));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Truncations, random byte flips and absurd header sizes of each format, plus an empty input (seeded: the same every run).</summary>
    private static IEnumerable<(string Name, byte[] Bytes)> MalformedInputs()
    {
        var random = new Random(20261126);
        yield return ("empty", []);
        foreach (var format in new[] { ImageFormat.Png, ImageFormat.Jpeg, ImageFormat.Webp })
        {
            var valid = TestImages.Gradient(48, 40).Encode(format, quality: 90);
            for (var i = 0; i < 40; i++)
            {
                var length = (int)((long)valid.Length * i / 40);
                yield return ($"{format} truncated to {length} bytes", valid[..length]);
            }

            for (var i = 0; i < 60; i++)
            {
                var flipped = (byte[])valid.Clone();
                var flips = 1 + random.Next(8);
                for (var f = 0; f < flips; f++)
                {
                    // Half the flips land in the first 64 bytes, where the headers are.
                    var at = random.Next(2) == 0 ? random.Next(Math.Min(64, flipped.Length)) : random.Next(flipped.Length);
                    flipped[at] ^= (byte)(1 + random.Next(255));
                }

                yield return ($"{format} with {flips} random bytes changed (#{i})", flipped);
            }

            foreach (var (width, height) in new[] { (100_000, 100_000), (int.MaxValue, 1), (0, 0), (65_535, 65_535), (1, int.MaxValue) })
            {
                if (WithSize(valid, format, width, height) is { } resized)
                {
                    yield return ($"{format} claiming {width} × {height}", resized);
                }
            }
        }
    }

    /// <summary>The file with its header's width and height replaced (checksums fixed where the format has them), or null.</summary>
    private static byte[]? WithSize(byte[] valid, ImageFormat format, int width, int height)
    {
        var bytes = (byte[])valid.Clone();
        switch (format)
        {
            case ImageFormat.Png:
                BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(16), width);
                BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(20), height);
                BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(29), PngWriter.Crc32(bytes[12..29]));
                return bytes;
            case ImageFormat.Jpeg:
                if (width > ushort.MaxValue || height > ushort.MaxValue)
                {
                    return null;
                }

                for (var i = 2; i + 9 < bytes.Length; i++)
                {
                    if (bytes[i] == 0xFF && bytes[i + 1] is 0xC0 or 0xC2)
                    {
                        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(i + 5), (ushort)height);
                        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(i + 7), (ushort)width);
                        return bytes;
                    }
                }

                return null;
            default:
                // Lossy WebP: "VP8 " chunk, frame tag (3 bytes), start code (3 bytes), then 14-bit width and height.
                var at = bytes.AsSpan().IndexOf("VP8 "u8);
                if (at < 0 || width > 0x3FFF || height > 0x3FFF)
                {
                    BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), int.MaxValue); // an absurd RIFF size instead
                    return bytes;
                }

                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at + 8 + 6), (ushort)width);
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at + 8 + 8), (ushort)height);
                return bytes;
        }
    }
}
