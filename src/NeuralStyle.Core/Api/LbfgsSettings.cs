namespace NeuralStyle;

/// <summary>L-BFGS settings. Immutable. The defaults follow jcjohnson/neural-style.</summary>
public sealed class LbfgsSettings
{
    private readonly double _learningRate = 1.0;
    private readonly int _historySize = 100;

    /// <summary>Step scale. Default 1.</summary>
    public double LearningRate { get => _learningRate; init { Guard.MustBeFiniteAndPositive(value, nameof(LearningRate)); _learningRate = value; } }

    /// <summary>How many past updates approximate the curvature. Default 100.</summary>
    public int HistorySize { get => _historySize; init { Guard.MustBePositive(value, nameof(HistorySize)); _historySize = value; } }
}
