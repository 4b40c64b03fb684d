using NeuralStyle.Imaging;
using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>
/// What a coarse-to-fine run needs of the optimiser of one scale: the whole image at once
/// (<see cref="StyleOptimizer"/>) or in overlapping tiles (<see cref="TiledOptimizer"/>).
/// </summary>
internal interface IScaleOptimizer : IDisposable
{
    /// <summary>The number of iterations made so far.</summary>
    int Iteration { get; }

    /// <summary>Makes one iteration and returns the loss terms measured in it (at the image before the update).</summary>
    LossTerms Step();

    /// <summary>Measures the current image and, if an earlier one had a lower loss, puts that one back; returns the loss of the image now held.</summary>
    LossTerms KeepBestImage();

    /// <summary>A detached copy of the current image (NCHW 1×3×H×W in [0, 1]); the caller owns it.</summary>
    Tensor CopyImage();

    /// <summary>The current image as an 8-bit <see cref="RgbImage"/>.</summary>
    RgbImage ToRgbImage();
}
