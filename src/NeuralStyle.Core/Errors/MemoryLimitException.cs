namespace NeuralStyle;

/// <summary>
/// Thrown before any work when a run's expected peak memory (<see cref="RunPlan"/>) is more than it
/// may use (<see cref="StyleTransferOptions.MaxMemory"/>, or by default what the machine has
/// available). Nothing is loaded or written. The message gives the estimate, the limit, and the
/// largest output size that fits.
/// </summary>
public sealed class MemoryLimitException : NeuralStyleException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">One line for the user.</param>
    /// <param name="estimatedBytes">The run's expected peak memory.</param>
    /// <param name="limitBytes">The memory it may use.</param>
    /// <param name="largestOutputSize">The largest output size expected to fit, or null when none does.</param>
    public MemoryLimitException(string message, long estimatedBytes, long limitBytes, int? largestOutputSize)
        : base(message)
    {
        EstimatedBytes = estimatedBytes;
        LimitBytes = limitBytes;
        LargestOutputSize = largestOutputSize;
    }

    /// <summary>The run's expected peak resident memory, in bytes.</summary>
    public long EstimatedBytes { get; }

    /// <summary>The memory the run may use, in bytes.</summary>
    public long LimitBytes { get; }

    /// <summary>The largest <see cref="StyleTransferOptions.OutputSize"/> expected to fit, other options unchanged; null when none does.</summary>
    public int? LargestOutputSize { get; }
}
