namespace NeuralStyle;

/// <summary>The optimiser that updates the image.</summary>
public enum OptimizerKind
{
    /// <summary>Adam (first-order, one network evaluation per iteration; the seed's choice).</summary>
    Adam,

    /// <summary>
    /// L-BFGS (quasi-Newton; jcjohnson/neural-style's default). Converges in fewer iterations, but an
    /// iteration may evaluate the network more than once.
    /// </summary>
    Lbfgs,
}
