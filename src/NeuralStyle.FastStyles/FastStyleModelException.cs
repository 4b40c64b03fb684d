namespace NeuralStyle.FastStyles;

/// <summary>
/// Thrown when a file is not a trained style this package can apply: it is missing, it is not an
/// ONNX model, or its inputs and outputs are not a style network's (one float image in, one out).
/// </summary>
public sealed class FastStyleModelException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="modelName">The model's file path, or the name it was loaded under.</param>
    /// <param name="reason">Why it cannot be used, as a sentence fragment.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public FastStyleModelException(string modelName, string reason, Exception? innerException = null)
        : base($"Cannot use the trained style '{modelName}': {reason}", innerException)
    {
        ModelName = modelName;
        Reason = reason;
    }

    /// <summary>The model's file path, or the name it was loaded under.</summary>
    public string ModelName { get; }

    /// <summary>Why the model cannot be used.</summary>
    public string Reason { get; }
}
