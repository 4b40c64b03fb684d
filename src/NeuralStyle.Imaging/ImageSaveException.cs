namespace NeuralStyle.Imaging;

/// <summary>
/// Thrown when an image cannot be written: the output folder does not exist, the file exists and
/// overwriting was not allowed, the encoder failed, or the file system refused the write. Nothing is
/// left at the output path when this is thrown.
/// </summary>
public sealed class ImageSaveException : ImageException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The output path.</param>
    /// <param name="reason">Why the image could not be written, as a sentence fragment.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public ImageSaveException(string path, string reason, Exception? innerException = null)
        : base($"Could not write the image to '{path}': {reason}", innerException)
    {
        OutputPath = path;
        Reason = reason;
    }

    /// <summary>The output path that was not written.</summary>
    public string OutputPath { get; }

    /// <summary>Why the image could not be written.</summary>
    public string Reason { get; }
}
