namespace NeuralStyle.Imaging;

/// <summary>How images are decoded. Immutable; the defaults suit photographs and artworks.</summary>
public sealed class ImageLoadOptions
{
    /// <summary>The default largest accepted image: 100 megapixels.</summary>
    public const long DefaultMaxPixelCount = 100_000_000;

    /// <summary>The default largest accepted file or stream: 256 MiB.</summary>
    public const long DefaultMaxFileBytes = 256L << 20;

    private readonly long _maxPixelCount = DefaultMaxPixelCount;
    private readonly long _maxFileBytes = DefaultMaxFileBytes;

    /// <summary>The options used when none are given.</summary>
    public static ImageLoadOptions Default { get; } = new();

    /// <summary>
    /// The largest width × height accepted. It is checked against the size in the file's header
    /// before any pixel memory is allocated, so a small file that claims a huge size (a
    /// "decompression bomb") is refused cheaply. Default <see cref="DefaultMaxPixelCount"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero or negative.</exception>
    public long MaxPixelCount
    {
        get => _maxPixelCount;
        init
        {
            Guard.MustBePositive(value, nameof(MaxPixelCount));
            _maxPixelCount = value;
        }
    }

    /// <summary>
    /// The largest encoded file or stream accepted, in bytes: reading stops once it is passed, so a
    /// device that never ends (<c>/dev/zero</c>) or a huge upload cannot fill memory. Default
    /// <see cref="DefaultMaxFileBytes"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero or negative.</exception>
    public long MaxFileBytes
    {
        get => _maxFileBytes;
        init
        {
            Guard.MustBePositive(value, nameof(MaxFileBytes));
            _maxFileBytes = value;
        }
    }

    /// <summary>
    /// The colour that transparent pixels are composited over (alpha is removed on load).
    /// Default white.
    /// </summary>
    public RgbColor Background { get; init; } = RgbColor.White;
}
