namespace NeuralStyle.Imaging.Tests;

public class SaveTests
{
    [Theory]
    [InlineData("out.png", 0)]
    [InlineData("out.jpg", 12)]
    [InlineData("out.jpeg", 12)]
    [InlineData("out.webp", 12)]
    public async Task Format_follows_the_extension(string name, int tolerance)
    {
        using var folder = new TempFolder();
        var original = TestImages.Solid(32, 16, new RgbColor(40, 180, 90));

        await original.SaveAsync(folder.File(name));

        var loaded = RgbImage.Load(folder.File(name));
        Assert.Equal((32, 16), (loaded.Width, loaded.Height));
        var pixel = loaded.GetPixel(10, 10);
        Assert.InRange(pixel.G, 180 - tolerance, 180 + tolerance);
        Assert.Equal(new[] { name }, folder.Entries());
        var header = File.ReadAllBytes(folder.File(name))[..4];
        var expectedHeader = Path.GetExtension(name) switch
        {
            ".png" => new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' },
            ".webp" => "RIFF"u8.ToArray(),
            _ => new byte[] { 0xFF, 0xD8, 0xFF, header[3] },
        };
        Assert.Equal(expectedHeader, header);
    }

    [Theory]
    [InlineData(ImageFormat.Png, new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' })]
    [InlineData(ImageFormat.Jpeg, new byte[] { 0xFF, 0xD8, 0xFF })]
    [InlineData(ImageFormat.Webp, new byte[] { (byte)'R', (byte)'I', (byte)'F', (byte)'F' })]
    public async Task Saving_to_a_stream_writes_the_encoded_image_after_what_is_there(ImageFormat format, byte[] signature)
    {
        var original = TestImages.Gradient(24, 20);
        using var stream = new MemoryStream();
        stream.Write("prefix"u8);

        await original.SaveAsync(stream, format, quality: 90);

        var written = stream.ToArray()[6..];
        Assert.Equal(signature, written[..signature.Length]);
        var loaded = RgbImage.Load(written);
        Assert.Equal((24, 20), (loaded.Width, loaded.Height));
        if (format == ImageFormat.Png)
        {
            Assert.Equal(original.Pixels.ToArray(), loaded.Pixels.ToArray());
        }
    }

    [Fact]
    public void Saving_to_a_read_only_stream_is_an_argument_error_before_any_work()
    {
        using var readOnly = new MemoryStream(new byte[16], writable: false);

        Assert.Throws<ArgumentException>(() => { _ = TestImages.Gradient(4, 4).SaveAsync(readOnly, ImageFormat.Png); });
    }

    [Fact]
    public void Png_is_lossless()
    {
        using var folder = new TempFolder();
        var original = TestImages.Gradient(50, 40);

        original.Save(folder.File("g.png"));

        Assert.Equal(original.Pixels.ToArray(), RgbImage.Load(folder.File("g.png")).Pixels.ToArray());
    }

    [Fact]
    public void Jpeg_quality_changes_the_size()
    {
        var image = TestImages.Gradient(128, 128);

        Assert.True(image.Encode(ImageFormat.Jpeg, 30).Length < image.Encode(ImageFormat.Jpeg, 100).Length);
    }

    [Fact]
    public void Unknown_extension_is_an_argument_error_and_writes_nothing()
    {
        using var folder = new TempFolder();

        var ex = Assert.Throws<ArgumentException>(() => TestImages.Gradient(4, 4).Save(folder.File("out.bmp")));

        Assert.Contains(".bmp", ex.Message);
        Assert.Empty(folder.Entries());
    }

    [Fact]
    public void Missing_folder_gets_a_clear_error()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "missing", "out.png");

        var ex = Assert.Throws<ImageSaveException>(() => TestImages.Gradient(4, 4).Save(path));

        Assert.Contains("does not exist", ex.Message);
    }

    [Fact]
    public void Existing_file_is_kept_when_overwrite_is_off()
    {
        using var folder = new TempFolder();
        var path = folder.File("keep.png");
        File.WriteAllText(path, "precious");

        Assert.Throws<ImageSaveException>(() => TestImages.Gradient(4, 4).Save(path, new ImageSaveOptions { Overwrite = false }));

        Assert.Equal("precious", File.ReadAllText(path));
        Assert.Single(folder.Entries());
    }

    [Fact]
    public async Task A_write_that_fails_half_way_leaves_nothing_behind()
    {
        using var folder = new TempFolder();
        var path = folder.File("out.png");

        await Assert.ThrowsAsync<InvalidOperationException>(() => AtomicFile.WriteAsync(
            path,
            async (stream, ct) =>
            {
                await stream.WriteAsync(new byte[1000], ct);
                throw new InvalidOperationException("encoder crashed");
            },
            overwrite: true,
            CancellationToken.None));

        Assert.Empty(folder.Entries());
    }

    [Fact]
    public async Task A_write_that_fails_half_way_keeps_the_old_file_intact()
    {
        using var folder = new TempFolder();
        var path = folder.File("out.png");
        File.WriteAllText(path, "old");

        await Assert.ThrowsAsync<ImageSaveException>(() => AtomicFile.WriteAsync(
            path,
            async (stream, ct) =>
            {
                await stream.WriteAsync(new byte[1000], ct);
                throw new IOException("disk full");
            },
            overwrite: true,
            CancellationToken.None));

        Assert.Equal("old", File.ReadAllText(path));
        Assert.Single(folder.Entries());
    }

    [Fact]
    public async Task Cancelled_save_writes_nothing()
    {
        using var folder = new TempFolder();
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => TestImages.Gradient(8, 8).SaveAsync(folder.File("c.png"), null, cts.Token));

        Assert.Empty(folder.Entries());
    }

    [Fact]
    public void Quality_is_validated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageSaveOptions { Quality = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageSaveOptions { Quality = 101 });
    }
}
