namespace NeuralStyle;

/// <summary>
/// Thrown when a loss becomes NaN or infinite during optimisation. No image is produced: lower the
/// learning rate or the loss weights and run again.
/// </summary>
public sealed class DivergenceException : NeuralStyleException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="term">The loss term that diverged ("content", "style", "total variation" or "total").</param>
    /// <param name="iteration">The 1-based iteration at which it was seen.</param>
    /// <param name="value">The non-finite value.</param>
    public DivergenceException(string term, int iteration, double value)
        : base($"The {term} loss became {value} at iteration {iteration}, so the optimisation diverged and no image was produced. " +
               "Lower the learning rate or the loss weights and run again" + (iteration <= 1 ? "; diverging at once with the defaults points to a damaged weights file." : "."))
    {
        Term = term;
        Iteration = iteration;
        Value = value;
    }

    /// <summary>The loss term that diverged.</summary>
    public string Term { get; }

    /// <summary>The 1-based iteration at which the non-finite value appeared.</summary>
    public int Iteration { get; }

    /// <summary>The non-finite value (NaN or ±infinity).</summary>
    public double Value { get; }
}
