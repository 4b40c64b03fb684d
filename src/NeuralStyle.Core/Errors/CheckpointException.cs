namespace NeuralStyle;

/// <summary>
/// Thrown when a checkpoint cannot be resumed: the file is missing, damaged or not a checkpoint, or
/// it was made by another version or with other options or images. The message says which and what
/// to do (resume with the same options, or start afresh).
/// </summary>
public sealed class CheckpointException : NeuralStyleException
{
    /// <summary>Creates the exception.</summary>
    public CheckpointException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
