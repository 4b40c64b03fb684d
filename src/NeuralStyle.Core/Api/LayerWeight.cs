namespace NeuralStyle;

/// <summary>A network layer used by a loss, and the weight of its term.</summary>
/// <param name="Layer">A layer name such as <c>block5_conv2</c>.</param>
/// <param name="Weight">The layer's weight within its loss (finite, at least zero).</param>
public sealed record LayerWeight(string Layer, double Weight = 1.0);
