namespace NeuralStyle;

/// <summary>Adam's settings. Immutable: derive a changed copy with <c>with</c>. The defaults are the TensorFlow style-transfer tutorial's.</summary>
public sealed record AdamSettings
{
    private readonly double _learningRate = 0.02;
    private readonly double _beta1 = 0.99;
    private readonly double _beta2 = 0.999;
    private readonly double _epsilon = 0.1;

    /// <summary>Step size, in image units (the image lies in [0, 1]). Default 0.02.</summary>
    public double LearningRate { get => _learningRate; init { Guard.MustBeFiniteAndPositive(value, nameof(LearningRate)); _learningRate = value; } }

    /// <summary>Decay of the first-moment average, in [0, 1). Default 0.99.</summary>
    public double Beta1 { get => _beta1; init { RequireUnitInterval(value, nameof(Beta1)); _beta1 = value; } }

    /// <summary>Decay of the second-moment average, in [0, 1). Default 0.999.</summary>
    public double Beta2 { get => _beta2; init { RequireUnitInterval(value, nameof(Beta2)); _beta2 = value; } }

    /// <summary>Added to the denominator for stability. Default 0.1 (large: it keeps early steps gentle).</summary>
    public double Epsilon { get => _epsilon; init { Guard.MustBeFiniteAndPositive(value, nameof(Epsilon)); _epsilon = value; } }

    private static void RequireUnitInterval(double value, string name)
    {
        if (!(value >= 0 && value < 1))
        {
            Guard.ThrowOutOfRange(name, $"{name} must be at least 0 and below 1; it was {value}.");
        }
    }
}
