namespace NeuralStyle;

/// <summary>
/// Thrown when libtorch cannot allocate the memory a run needs. Nothing is written. The message
/// says how much was asked for and what to change (a smaller output size, bfloat16, more memory).
/// </summary>
public sealed class ComputeMemoryException : NeuralStyleException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">One line for the user.</param>
    /// <param name="requestedBytes">The size of the allocation that failed, when libtorch said it.</param>
    /// <param name="innerException">libtorch's own error.</param>
    public ComputeMemoryException(string message, long? requestedBytes, Exception? innerException = null)
        : base(message, innerException)
    {
        RequestedBytes = requestedBytes;
    }

    /// <summary>The size in bytes of the allocation that failed, when libtorch said it.</summary>
    public long? RequestedBytes { get; }
}
