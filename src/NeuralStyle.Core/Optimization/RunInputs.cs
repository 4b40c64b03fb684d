using NeuralStyle.Imaging;

namespace NeuralStyle;

/// <summary>A run's decoded and prepared inputs, and the seed it uses.</summary>
/// <param name="Content">The content at the output size.</param>
/// <param name="Styles">The styles (recoloured if asked), with their blend weights and masks.</param>
/// <param name="Initial">The start image, when the run starts from one.</param>
/// <param name="Seed">The seed of the run's randomness (given, or picked for this run).</param>
internal sealed record RunInputs(RgbImage Content, IReadOnlyList<PreparedStyle> Styles, RgbImage? Initial, int Seed);
