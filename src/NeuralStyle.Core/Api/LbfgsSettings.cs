namespace NeuralStyle;

/// <summary>L-BFGS settings. Immutable: derive a changed copy with <c>with</c>. The defaults follow jcjohnson/neural-style.</summary>
public sealed record LbfgsSettings
{
    private readonly double _learningRate = 1.0;
    private readonly int _historySize = 100;
    private readonly int? _switchToAdamAfter;

    /// <summary>Step scale. Default 1.</summary>
    public double LearningRate { get => _learningRate; init { Guard.MustBeFiniteAndPositive(value, nameof(LearningRate)); _learningRate = value; } }

    /// <summary>How many past updates approximate the curvature. Default 100.</summary>
    public int HistorySize { get => _historySize; init { Guard.MustBePositive(value, nameof(HistorySize)); _historySize = value; } }

    /// <summary>
    /// After this many iterations of a scale, the scale goes on with Adam (the run's
    /// <see cref="StyleTransferOptions.Adam"/> settings) instead of L-BFGS. Adam's moment estimates
    /// are gathered from the gradients of the L-BFGS iterations before it, so that it takes over
    /// without a jump. On long runs L-BFGS falls fastest early and Adam late, so the switch reaches
    /// a low loss sooner where L-BFGS's later iterations gain little (docs/performance.md has the
    /// measurements). Default null: L-BFGS throughout.
    /// </summary>
    public int? SwitchToAdamAfter
    {
        get => _switchToAdamAfter;
        init
        {
            if (value is { } after)
            {
                Guard.MustBePositive(after, nameof(SwitchToAdamAfter));
            }

            _switchToAdamAfter = value;
        }
    }
}
