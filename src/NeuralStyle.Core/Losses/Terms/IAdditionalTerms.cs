using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>
/// Terms a run adds to its objective beyond content, style and total variation (a video frame's
/// temporal term): asked for once per scale, for that scale's size. The engine's internal entry
/// (<see cref="StyleTransferEngine.RunWithTermsAsync"/>)
/// takes one; the public options have no way to set it.
/// </summary>
internal interface IAdditionalTerms
{
    /// <summary>The terms of a scale of <paramref name="width"/> × <paramref name="height"/> on <paramref name="device"/>; the objective owns them.</summary>
    IReadOnlyList<ILossTerm> At(int width, int height, Device device);
}
