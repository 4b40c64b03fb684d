namespace NeuralStyle.Imaging;

/// <summary>
/// Thrown when an image cannot be loaded: the file is missing or empty, the data is not an image,
/// is truncated or corrupt, is in a format the decoder does not support, or is larger than
/// <see cref="ImageLoadOptions.MaxPixelCount"/> allows.
/// </summary>
public sealed class ImageLoadException : ImageException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="sourceName">The file path, or a description such as "stream".</param>
    /// <param name="reason">Why the image could not be loaded, as a sentence fragment.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public ImageLoadException(string sourceName, string reason, Exception? innerException = null)
        : base($"Could not load the image from {sourceName}: {reason}", innerException)
    {
        SourceName = sourceName;
        Reason = reason;
    }

    /// <summary>The file path (quoted) or a description of the source such as "stream".</summary>
    public string SourceName { get; }

    /// <summary>Why the image could not be loaded.</summary>
    public string Reason { get; }
}
