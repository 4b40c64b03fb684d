using System.Buffers.Binary;
using System.Text;

namespace NeuralStyle.Imaging.Tests;

public class BadInputTests
{
    [Fact]
    public void Missing_file_names_the_file()
    {
        var path = Path.Combine(Path.GetTempPath(), "no-such-image-" + Guid.NewGuid() + ".png");

        var ex = Assert.Throws<ImageLoadException>(() => RgbImage.Load(path));

        Assert.Contains(path, ex.Message);
        Assert.Contains("does not exist", ex.Message);
    }

    [Fact]
    public async Task Missing_file_async_names_the_file()
    {
        var path = Path.Combine(Path.GetTempPath(), "no-such-image-" + Guid.NewGuid() + ".jpg");

        var ex = await Assert.ThrowsAsync<ImageLoadException>(() => RgbImage.LoadAsync(path));

        Assert.Contains(path, ex.Message);
    }

    [Theory]
    [InlineData("empty")]
    [InlineData("text")]
    [InlineData("truncated-png")]
    [InlineData("truncated-jpeg")]
    [InlineData("corrupt-png")]
    [InlineData("unsupported")]
    public void Bad_file_gets_the_typed_exception_naming_the_file(string kind)
    {
        using var folder = new TempFolder();
        var path = folder.File(kind + ".img");
        File.WriteAllBytes(path, BadBytes(kind));

        var ex = Assert.Throws<ImageLoadException>(() => RgbImage.Load(path));

        Assert.Contains(path, ex.Message);
        Assert.Equal($"'{path}'", ex.SourceName);
        Assert.False(string.IsNullOrWhiteSpace(ex.Reason));
    }

    [Fact]
    public void Reasons_tell_empty_truncated_and_not_an_image_apart()
    {
        Assert.Contains("empty", Assert.Throws<ImageLoadException>(() => RgbImage.Load(BadBytes("empty"))).Reason);
        Assert.Contains("truncated", Assert.Throws<ImageLoadException>(() => RgbImage.Load(BadBytes("truncated-jpeg"))).Reason);
        Assert.Contains("not an image", Assert.Throws<ImageLoadException>(() => RgbImage.Load(BadBytes("text"))).Reason);
    }

    [Theory]
    [InlineData("TIFF", new byte[] { 0x49, 0x49, 0x2A, 0x00, 0x08, 0x00, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0 })]
    [InlineData("TIFF", new byte[] { 0x4D, 0x4D, 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08, 0, 0, 0, 0, 0, 0, 0, 0 })]
    [InlineData("Photoshop (PSD)", new byte[] { 0x38, 0x42, 0x50, 0x53, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 })]
    [InlineData("HEIF/HEIC", new byte[] { 0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x68, 0x65, 0x69, 0x63, 0, 0, 0, 0 })]
    [InlineData("AVIF", new byte[] { 0, 0, 0, 0x1C, 0x66, 0x74, 0x79, 0x70, 0x61, 0x76, 0x69, 0x66, 0, 0, 0, 0 })]
    public void A_known_but_unsupported_format_is_named_as_not_supported_rather_than_corrupt(string format, byte[] header)
    {
        var ex = Assert.Throws<ImageLoadException>(() => RgbImage.Load(header));

        Assert.Contains($"it is a {format} image, which is not supported", ex.Message);
        Assert.DoesNotContain("corrupt", ex.Message);
    }

    [Fact]
    public void Stream_source_is_named_stream()
    {
        using var stream = new MemoryStream(BadBytes("text"));

        var ex = Assert.Throws<ImageLoadException>(() => RgbImage.Load(stream));

        Assert.Equal("stream", ex.SourceName);
    }

    [Fact]
    public void Header_claiming_ten_gigapixels_is_refused_before_decoding()
    {
        // A valid PNG header for 100000 × 100000 RGB with a tiny, wrong IDAT: if the decoder tried to
        // allocate or decode, this would fail differently (out of memory or "truncated").
        var png = PngWriter.Write(1, 1, PngWriter.Rgb, 8, [1, 2, 3]);
        SetPngSize(png, 100_000, 100_000);

        var ex = Assert.Throws<ImageLoadException>(() => RgbImage.Load(png));

        Assert.Contains("100000 × 100000", ex.Reason);
        Assert.Contains(nameof(ImageLoadOptions.MaxPixelCount), ex.Reason);
    }

    [Fact]
    public void Pixel_limit_is_configurable()
    {
        var png = TestImages.Gradient(20, 10).Encode(ImageFormat.Png);

        Assert.Throws<ImageLoadException>(() => RgbImage.Load(png, new ImageLoadOptions { MaxPixelCount = 199 }));
        Assert.Equal(200, RgbImage.Load(png, new ImageLoadOptions { MaxPixelCount = 200 }).PixelCount);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageLoadOptions { MaxPixelCount = 0 });
    }

    internal static byte[] BadBytes(string kind)
    {
        var png = TestImages.Gradient(64, 64).Encode(ImageFormat.Png);
        var jpeg = TestImages.Gradient(64, 64).Encode(ImageFormat.Jpeg);
        return kind switch
        {
            "empty" => [],
            "text" => Encoding.UTF8.GetBytes("This is a text file, not a picture of anything at all."),
            "truncated-png" => png[..(png.Length / 2)],
            "truncated-jpeg" => jpeg[..(jpeg.Length / 2)],
            "corrupt-png" => CorruptPng(png),
            "unsupported" => Encoding.ASCII.GetBytes("II*\0").Concat(new byte[200]).ToArray(), // a TIFF signature
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    private static byte[] CorruptPng(byte[] png)
    {
        // Overwrite the compressed pixel data (after the IHDR chunk) with garbage, keeping the header intact.
        var corrupt = (byte[])png.Clone();
        for (var i = 45; i < corrupt.Length - 12; i++)
        {
            corrupt[i] = (byte)(i * 7919);
        }

        return corrupt;
    }

    private static void SetPngSize(byte[] png, int width, int height)
    {
        // IHDR data starts at byte 16; its CRC covers the chunk type and data (bytes 12..28).
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), width);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), height);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), PngWriter.Crc32(png[12..29]));
    }

    [Fact]
    public void A_stream_that_never_ends_is_read_only_up_to_the_file_limit()
    {
        using var endless = new EndlessStream();

        var ex = Assert.Throws<ImageLoadException>(() => RgbImage.Load(endless, new ImageLoadOptions { MaxFileBytes = 1 << 20 }));

        Assert.Equal("Could not load the image from stream: it is longer than the 1 MiB an image may be (ImageLoadOptions.MaxFileBytes)", ex.Message);
        Assert.InRange(endless.Position, 1 << 20, (1 << 20) + (1 << 17)); // stopped within a read of the limit
    }

    [Fact]
    public void A_file_over_the_file_limit_is_refused_by_its_size_before_it_is_read()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, new byte[3 << 20]);
            var ex = Assert.Throws<ImageLoadException>(() => RgbImage.Load(path, new ImageLoadOptions { MaxFileBytes = 1 << 20 }));
            Assert.EndsWith("the file is 3 MiB, more than the 1 MiB an image may be (ImageLoadOptions.MaxFileBytes)", ex.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Zeros for ever, counting what was read.</summary>
    private sealed class EndlessStream : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            Array.Clear(buffer, offset, count);
            _position += count;
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
