namespace NeuralStyle;

/// <summary>The loss terms after one iteration, unweighted, and the weighted total.</summary>
/// <param name="Content">The content loss (before its weight).</param>
/// <param name="Style">The style loss (before its weight).</param>
/// <param name="TotalVariation">The total variation loss (before its weight).</param>
/// <param name="Total">contentWeight·Content + styleWeight·Style + tvWeight·TotalVariation.</param>
public readonly record struct LossTerms(double Content, double Style, double TotalVariation, double Total);
