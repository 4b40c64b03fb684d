namespace NeuralStyle;

/// <summary>The optimiser that updates the image.</summary>
public enum OptimizerKind
{
    /// <summary>Adam (first-order; the TensorFlow tutorial's choice).</summary>
    Adam,

    /// <summary>
    /// L-BFGS (quasi-Newton; jcjohnson/neural-style's default and ours): one network evaluation per
    /// iteration, like Adam, and far fewer iterations for the same loss. A step that raised the loss
    /// is taken back and retried shorter at the next iteration.
    /// </summary>
    Lbfgs,
}
