using NeuralStyle.Imaging;

namespace NeuralStyle;

/// <summary>What a run produced.</summary>
public sealed class StyleTransferResult
{
    internal StyleTransferResult(RgbImage image, IReadOnlyList<LossTerms> history, LossTerms finalLosses, int seed, TimeSpan preparation, TimeSpan optimization, string? outputPath)
    {
        Image = image;
        LossHistory = history;
        FinalLosses = finalLosses;
        Seed = seed;
        PreparationTime = preparation;
        OptimizationTime = optimization;
        OutputPath = outputPath;
    }

    /// <summary>The stylised image, ready to save.</summary>
    public RgbImage Image { get; }

    /// <summary>
    /// The loss terms of the returned image (at the output size, before colour preservation). Each
    /// scale ends on the best image it measured, so this is never above the lowest loss of the last
    /// scale. With <see cref="StyleTransferOptions.AveragingDecay"/> on, the image is the iterate
    /// average and these are the losses of the best iterate, not of the average.
    /// </summary>
    public LossTerms FinalLosses { get; }

    /// <summary>
    /// The seed the run used: <see cref="StyleTransferOptions.Seed"/>, or the one picked when it was
    /// null. Running again with this seed and the same options and thread count gives the same image.
    /// </summary>
    public int Seed { get; }

    /// <summary>
    /// The loss terms of every iteration of every scale, in order (measured at the image before
    /// each update). Losses of different scales are not comparable: the images differ in size.
    /// </summary>
    public IReadOnlyList<LossTerms> LossHistory { get; }

    /// <summary>Time spent outside the optimisation loop: loading images and weights, computing the targets, saving.</summary>
    public TimeSpan PreparationTime { get; }

    /// <summary>Time spent in the optimisation loop.</summary>
    public TimeSpan OptimizationTime { get; }

    /// <summary>Where the image was written, when the options named an output path.</summary>
    public string? OutputPath { get; }
}
