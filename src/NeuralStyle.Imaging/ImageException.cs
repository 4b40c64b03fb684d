namespace NeuralStyle.Imaging;

/// <summary>
/// The base of the exceptions NeuralStyle.Imaging throws when an image cannot be read or written.
/// It derives from <see cref="IOException"/>, so code that already handles I/O failures catches it too.
/// </summary>
public abstract class ImageException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong and what to do about it.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    protected ImageException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
