using NeuralStyle.Imaging;

namespace NeuralStyle;

/// <summary>What the optimisation of a run produced.</summary>
/// <param name="Image">The output-size image, before colour post-processing.</param>
/// <param name="History">The loss terms of every iteration of every scale.</param>
/// <param name="FinalLosses">The loss terms of <paramref name="Image"/> itself.</param>
/// <param name="Elapsed">Time spent optimising.</param>
internal sealed record RunOutcome(RgbImage Image, IReadOnlyList<LossTerms> History, LossTerms FinalLosses, TimeSpan Elapsed);
