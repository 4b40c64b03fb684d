namespace NeuralStyle.Imaging;

/// <summary>
/// An immutable 8-bit sRGB image without alpha: the form every decoded input takes and every
/// result is saved from. Pixels are stored row by row, three bytes (R, G, B) each.
/// </summary>
/// <remarks>
/// The engine's tensor form is float32 NCHW (1×3×H×W), RGB in [0, 1]; <see cref="ToTensorData"/>
/// and <see cref="FromTensorData"/> convert to and from it without depending on any tensor library.
/// Instances are immutable and safe to share between threads.
/// </remarks>
public sealed class RgbImage
{
    private readonly byte[] _pixels;

    /// <summary>Creates an image from interleaved RGB bytes (copied).</summary>
    /// <param name="width">Width in pixels, at least 1.</param>
    /// <param name="height">Height in pixels, at least 1.</param>
    /// <param name="rgbPixels">Exactly width × height × 3 bytes, row by row, R, G, B.</param>
    /// <exception cref="ArgumentException">The buffer length does not match the size.</exception>
    public RgbImage(int width, int height, ReadOnlySpan<byte> rgbPixels)
        : this(width, height, CheckedCopy(width, height, rgbPixels))
    {
    }

    private RgbImage(int width, int height, byte[] ownedPixels)
    {
        Width = width;
        Height = height;
        _pixels = ownedPixels;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Width × height.</summary>
    public int PixelCount => Width * Height;

    /// <summary>The pixels, row by row, three bytes (R, G, B) each.</summary>
    public ReadOnlySpan<byte> Pixels => _pixels;

    /// <summary>Returns the colour of one pixel.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The coordinates are outside the image.</exception>
    public RgbColor GetPixel(int x, int y)
    {
        Guard.MustBeBetween(x, 0, Width - 1);
        Guard.MustBeBetween(y, 0, Height - 1);
        var i = ((y * Width) + x) * 3;
        return new RgbColor(_pixels[i], _pixels[i + 1], _pixels[i + 2]);
    }

    /// <summary>
    /// Converts to the engine's tensor layout: float32, NCHW with N = 1 and C = 3 (R, G, B planes),
    /// values in [0, 1]. The array has 3 × <see cref="Height"/> × <see cref="Width"/> elements.
    /// </summary>
    public float[] ToTensorData()
    {
        var planeSize = PixelCount;
        var data = new float[planeSize * 3];
        for (var p = 0; p < planeSize; p++)
        {
            data[p] = _pixels[p * 3] / 255f;
            data[planeSize + p] = _pixels[(p * 3) + 1] / 255f;
            data[(2 * planeSize) + p] = _pixels[(p * 3) + 2] / 255f;
        }

        return data;
    }

    /// <summary>
    /// Creates an image from the engine's tensor layout (float32 NCHW, 1×3×H×W, RGB), clipping each
    /// value to [0, 1] and rounding to the nearest 8-bit level.
    /// </summary>
    /// <param name="data">3 × height × width values: the R plane, then G, then B.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <exception cref="ArgumentException">
    /// The length does not match the size, or a value is NaN (a NaN image is never produced silently).
    /// </exception>
    public static RgbImage FromTensorData(ReadOnlySpan<float> data, int width, int height)
    {
        Guard.MustBePositive(width);
        Guard.MustBePositive(height);
        var planeSize = checked(width * height);
        if (data.Length != planeSize * 3)
        {
            Guard.ThrowArgument(
                $"Expected 3 × {height} × {width} = {planeSize * 3} values (NCHW, one RGB image) but got {data.Length}.",
                nameof(data));
        }

        var pixels = new byte[planeSize * 3];
        for (var c = 0; c < 3; c++)
        {
            var plane = data.Slice(c * planeSize, planeSize);
            for (var p = 0; p < planeSize; p++)
            {
                var v = plane[p];
                if (float.IsNaN(v))
                {
                    Guard.ThrowArgument(
                        $"The tensor data holds NaN at channel {c}, pixel {p}; the image it came from is invalid.",
                        nameof(data));
                }

                pixels[(p * 3) + c] = ToByte(v);
            }
        }

        return new RgbImage(width, height, pixels);
    }

    /// <summary>
    /// Returns a copy scaled so that the longer side is at most <paramref name="maxSide"/> pixels,
    /// keeping the aspect ratio, with a Lanczos-3 filter. An image that already fits is returned
    /// as it is unless <paramref name="allowUpscale"/> is set, in which case the longer side is made
    /// exactly <paramref name="maxSide"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxSide"/> is not positive.</exception>
    public RgbImage ResizeToFit(int maxSide, bool allowUpscale = false)
    {
        Guard.MustBePositive(maxSide);
        var longest = Math.Max(Width, Height);
        if (longest == maxSide || (longest < maxSide && !allowUpscale))
        {
            return this;
        }

        var (width, height) = FitSize(Width, Height, maxSide);
        return Resize(width, height);
    }

    /// <summary>
    /// The size <see cref="ResizeToFit"/> (with upscaling) gives an image of <paramref name="width"/> ×
    /// <paramref name="height"/>: the longest side becomes <paramref name="maxSide"/>, the other is
    /// scaled in proportion and rounded (at least 1).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    public static (int Width, int Height) FitSize(int width, int height, int maxSide)
    {
        Guard.MustBePositive(width);
        Guard.MustBePositive(height);
        Guard.MustBePositive(maxSide);
        var scale = (double)maxSide / Math.Max(width, height);
        return (Math.Max(1, (int)Math.Round(width * scale)), Math.Max(1, (int)Math.Round(height * scale)));
    }

    /// <summary>Returns a copy resized to exactly <paramref name="width"/> × <paramref name="height"/> with a Lanczos-3 filter.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    public RgbImage Resize(int width, int height)
    {
        Guard.MustBePositive(width);
        Guard.MustBePositive(height);
        if (width == Width && height == Height)
        {
            return this;
        }

        return new RgbImage(width, height, LanczosResampler.Resize(_pixels, Width, Height, width, height));
    }

    /// <summary>Decodes an image file (PNG, JPEG, WebP, GIF, BMP, ICO, WBMP, or what the platform codec supports).</summary>
    /// <param name="path">The file to read.</param>
    /// <param name="options">Decoding options; <see cref="ImageLoadOptions.Default"/> when null.</param>
    /// <exception cref="ImageLoadException">The file is missing, empty, not an image, truncated, corrupt, unsupported or too large.</exception>
    public static RgbImage Load(string path, ImageLoadOptions? options = null) =>
        ImageDecoder.Decode(ImageFileReader.ReadAllBytes(path, (options ?? ImageLoadOptions.Default).MaxFileBytes), Describe(path), options ?? ImageLoadOptions.Default);

    /// <summary>Decodes an image from a stream, reading it to its end. The stream is not closed.</summary>
    /// <exception cref="ImageLoadException">The data is empty, not an image, truncated, corrupt, unsupported or too large.</exception>
    public static RgbImage Load(Stream stream, ImageLoadOptions? options = null)
    {
        Guard.NotNull(stream);
        options ??= ImageLoadOptions.Default;
        return ImageDecoder.Decode(ImageFileReader.ReadAllBytes(stream, options.MaxFileBytes), "stream", options);
    }

    /// <summary>Decodes an image from encoded bytes.</summary>
    /// <exception cref="ImageLoadException">The data is empty, not an image, truncated, corrupt, unsupported or too large.</exception>
    public static RgbImage Load(ReadOnlySpan<byte> encoded, ImageLoadOptions? options = null) =>
        ImageDecoder.Decode(encoded, "byte buffer", options ?? ImageLoadOptions.Default);

    /// <summary>Reads and decodes an image file without blocking the calling thread.</summary>
    /// <exception cref="ImageLoadException">The file is missing, empty, not an image, truncated, corrupt, unsupported or too large.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static async Task<RgbImage> LoadAsync(string path, ImageLoadOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= ImageLoadOptions.Default;
        var bytes = await ImageFileReader.ReadAllBytesAsync(path, options.MaxFileBytes, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return ImageDecoder.Decode(bytes, Describe(path), options);
    }

    /// <summary>Reads a stream to its end and decodes it without blocking the calling thread. The stream is not closed.</summary>
    /// <exception cref="ImageLoadException">The data is empty, not an image, truncated, corrupt, unsupported or too large.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static async Task<RgbImage> LoadAsync(Stream stream, ImageLoadOptions? options = null, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(stream);
        options ??= ImageLoadOptions.Default;
        var bytes = await ImageFileReader.ReadAllBytesAsync(stream, options.MaxFileBytes, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return ImageDecoder.Decode(bytes, "stream", options);
    }

    /// <summary>
    /// Encodes the image and writes it atomically: the bytes go to a temporary file in the same
    /// folder, which is then renamed over <paramref name="path"/>. On any failure nothing is left
    /// at <paramref name="path"/> (an existing file stays as it was) and the temporary file is removed.
    /// </summary>
    /// <param name="path">The output file; its extension chooses the format unless <see cref="ImageSaveOptions.Format"/> is set.</param>
    /// <param name="options">Encoding options; <see cref="ImageSaveOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentException">The extension is not .png, .jpg, .jpeg or .webp and no format was given.</exception>
    /// <exception cref="ImageSaveException">The folder is missing, the file exists and may not be replaced, or the write failed.</exception>
    public void Save(string path, ImageSaveOptions? options = null) =>
        SaveAsync(path, options, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Encodes and atomically writes the image without blocking the calling thread; see <see cref="Save"/>.</summary>
    /// <exception cref="ArgumentException">The extension is not .png, .jpg, .jpeg or .webp and no format was given.</exception>
    /// <exception cref="ImageSaveException">The folder is missing, the file exists and may not be replaced, or the write failed.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled; nothing was written.</exception>
    public Task SaveAsync(string path, ImageSaveOptions? options = null, CancellationToken cancellationToken = default)
    {
        Guard.NotNullOrWhiteSpace(path);
        options ??= ImageSaveOptions.Default;
        var format = options.Format ?? ImageEncoder.FormatFromExtension(path);
        var encoded = ImageEncoder.Encode(this, format, options.Quality, path);
        return AtomicFile.WriteAsync(path, encoded, options.Overwrite, cancellationToken);
    }

    /// <summary>
    /// Encodes the image and writes it to <paramref name="stream"/> (an HTTP response, a blob upload,
    /// a memory stream). The image is encoded in memory first, so an encoding error writes nothing;
    /// the stream is neither flushed nor closed.
    /// </summary>
    /// <param name="stream">A writable stream.</param>
    /// <param name="format">The format to encode.</param>
    /// <param name="quality">Quality of the lossy formats (JPEG and WebP), 1–100. PNG ignores it.</param>
    /// <param name="cancellationToken">Stops the write; what was written by then stays in the stream.</param>
    /// <exception cref="ArgumentException">The stream is not writable.</exception>
    /// <exception cref="ImageSaveException">Writing to the stream failed.</exception>
    public Task SaveAsync(Stream stream, ImageFormat format, int quality = 95, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(stream);
        Guard.MustBeBetween(quality, 1, 100);
        if (!stream.CanWrite)
        {
            Guard.ThrowArgument("The stream is not writable.", nameof(stream));
        }

        return WriteEncodedAsync(stream, ImageEncoder.Encode(this, format, quality, "stream"), cancellationToken);
    }

    private static async Task WriteEncodedAsync(Stream stream, byte[] encoded, CancellationToken cancellationToken)
    {
        try
        {
            await stream.WriteAsync(encoded, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            throw new ImageSaveException("stream", $"writing to the stream failed ({ex.Message})", ex);
        }
    }

    /// <summary>Encodes the image in memory.</summary>
    /// <param name="format">The format.</param>
    /// <param name="quality">Quality of the lossy formats, 1–100.</param>
    public byte[] Encode(ImageFormat format, int quality = 95)
    {
        Guard.MustBeBetween(quality, 1, 100);
        return ImageEncoder.Encode(this, format, quality, "memory");
    }

    internal static RgbImage WrapOwned(int width, int height, byte[] pixels) => new(width, height, pixels);

    internal static byte ToByte(float value) =>
        value <= 0f ? (byte)0 : value >= 1f ? (byte)255 : (byte)MathF.Round(value * 255f);

    private static string Describe(string path) => $"'{path}'";

    private static byte[] CheckedCopy(int width, int height, ReadOnlySpan<byte> rgbPixels)
    {
        Guard.MustBePositive(width);
        Guard.MustBePositive(height);
        var expected = checked(width * height * 3);
        if (rgbPixels.Length != expected)
        {
            Guard.ThrowArgument($"Expected {width} × {height} × 3 = {expected} bytes but got {rgbPixels.Length}.", nameof(rgbPixels));
        }

        return rgbPixels.ToArray();
    }
}
