using NeuralStyle.Imaging;

namespace NeuralStyle;

/// <summary>
/// An image given to <see cref="StyleTransfer"/>: a file path, a stream, or an already decoded
/// <see cref="RgbImage"/>. Files and streams are decoded when the run starts. A string converts
/// implicitly to a file input.
/// </summary>
public sealed class ImageInput
{
    private readonly string? _path;
    private readonly Stream? _stream;
    private readonly RgbImage? _image;

    private ImageInput(string? path, Stream? stream, RgbImage? image)
    {
        _path = path;
        _stream = stream;
        _image = image;
    }

    /// <summary>A short description for messages: the path, "stream" or "image".</summary>
    public string Description => _path is not null ? $"'{_path}'" : _stream is not null ? "stream" : "image";

    /// <summary>The file this input reads, or null for a stream or an image in memory.</summary>
    internal string? FilePath => _path;

    /// <summary>An image file (PNG, JPEG, WebP, GIF, BMP …).</summary>
    public static ImageInput FromFile(string path)
    {
        Guard.NotNullOrWhiteSpace(path);
        return new ImageInput(path, null, null);
    }

    /// <summary>An encoded image in a stream, read from its current position to its end when the run starts (not closed; a stream can be read by one run only).</summary>
    public static ImageInput FromStream(Stream stream)
    {
        Guard.NotNull(stream);
        return new ImageInput(null, stream, null);
    }

    /// <summary>An image already in memory.</summary>
    public static ImageInput FromImage(RgbImage image)
    {
        Guard.NotNull(image);
        return new ImageInput(null, null, image);
    }

    /// <summary>Treats a string as a file path.</summary>
    public static implicit operator ImageInput(string path) => FromFile(path);

    /// <summary>Wraps an in-memory image.</summary>
    public static implicit operator ImageInput(RgbImage image) => FromImage(image);

    /// <summary>Decodes the image.</summary>
    /// <exception cref="ImageLoadException">The file or stream is not a usable image.</exception>
    internal async Task<RgbImage> LoadAsync(ImageLoadOptions loading, CancellationToken cancellationToken)
    {
        if (_image is not null)
        {
            return _image;
        }

        return _path is not null
            ? await RgbImage.LoadAsync(_path, loading, cancellationToken).ConfigureAwait(false)
            : await RgbImage.LoadAsync(_stream!, loading, cancellationToken).ConfigureAwait(false);
    }
}
