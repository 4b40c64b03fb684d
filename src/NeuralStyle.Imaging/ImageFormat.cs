namespace NeuralStyle.Imaging;

/// <summary>The encoded formats an <see cref="RgbImage"/> can be saved in.</summary>
public enum ImageFormat
{
    /// <summary>Lossless PNG (<c>.png</c>).</summary>
    Png,

    /// <summary>JPEG (<c>.jpg</c>, <c>.jpeg</c>); see <see cref="ImageSaveOptions.Quality"/>.</summary>
    Jpeg,

    /// <summary>Lossy WebP (<c>.webp</c>); see <see cref="ImageSaveOptions.Quality"/>.</summary>
    Webp,
}
