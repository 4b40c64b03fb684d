namespace NeuralStyle;

/// <summary>The base of the exceptions NeuralStyle.Core throws for failures that are not argument errors.</summary>
public abstract class NeuralStyleException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong and what to do about it.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    protected NeuralStyleException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
