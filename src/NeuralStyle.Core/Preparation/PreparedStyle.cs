using NeuralStyle.Imaging;

namespace NeuralStyle;

/// <summary>A style image ready for the run.</summary>
internal sealed record PreparedStyle(RgbImage Image, double Weight, RgbImage? Mask);
