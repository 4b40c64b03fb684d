namespace NeuralStyle;

/// <summary>
/// Thrown when libtorch, the native backend under TorchSharp, cannot be loaded or the requested
/// device (for example CUDA) is not available. The message says which package to reference.
/// </summary>
public sealed class NativeBackendException : NeuralStyleException
{
    /// <summary>Creates the exception.</summary>
    public NativeBackendException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
