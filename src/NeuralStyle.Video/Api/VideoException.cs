namespace NeuralStyle.Video;

/// <summary>
/// Thrown when a video cannot be read or written, when ffmpeg or ffprobe is missing (checked before
/// any work), or when the frames kept for a join are incomplete. The message says what to do.
/// </summary>
public sealed class VideoException : NeuralStyleException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong and what to do about it.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public VideoException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
