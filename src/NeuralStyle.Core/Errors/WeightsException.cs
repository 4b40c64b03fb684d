namespace NeuralStyle;

/// <summary>
/// Thrown when the VGG19 weights cannot be found, downloaded or read: no file where the options,
/// <c>NEURALSTYLE_VGG19_WEIGHTS</c> or the cache point; a download that failed or did not match
/// its checksum; or a file that is truncated, corrupt, or has a missing or wrongly shaped layer.
/// </summary>
public sealed class WeightsException : NeuralStyleException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong and what to do about it.</param>
    /// <param name="path">The weights file concerned, if any.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public WeightsException(string message, string? path = null, Exception? innerException = null)
        : base(message, innerException)
    {
        WeightsPath = path;
    }

    /// <summary>The weights file concerned, or null when none was found.</summary>
    public string? WeightsPath { get; }
}
