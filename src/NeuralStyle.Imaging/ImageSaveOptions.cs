namespace NeuralStyle.Imaging;

/// <summary>How images are encoded and written. Immutable.</summary>
public sealed class ImageSaveOptions
{
    private readonly int _quality = 95;

    /// <summary>The options used when none are given.</summary>
    public static ImageSaveOptions Default { get; } = new();

    /// <summary>
    /// The format to encode. When <see langword="null"/> (the default), it follows the output
    /// path's extension: <c>.png</c>, <c>.jpg</c>/<c>.jpeg</c> or <c>.webp</c>.
    /// </summary>
    public ImageFormat? Format { get; init; }

    /// <summary>Quality of the lossy formats (JPEG and WebP), 1–100. Default 95. PNG ignores it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 1–100.</exception>
    public int Quality
    {
        get => _quality;
        init
        {
            Guard.MustBeBetween(value, 1, 100, nameof(Quality));
            _quality = value;
        }
    }

    /// <summary>
    /// Whether an existing file at the output path may be replaced. Default <see langword="true"/>,
    /// as with <see cref="File.WriteAllBytes(string, byte[])"/>; set it to <see langword="false"/>
    /// to get an <see cref="ImageSaveException"/> instead.
    /// </summary>
    public bool Overwrite { get; init; } = true;
}
