using NeuralStyle.Imaging;

namespace NeuralStyle;

/// <summary>One item of <see cref="StyleTransferEngine.RunStreamingAsync"/>: a progress report, sometimes with a preview, and at the end the result.</summary>
public sealed class StyleTransferUpdate
{
    internal StyleTransferUpdate(StyleTransferProgress progress, RgbImage? preview, StyleTransferResult? result)
    {
        Progress = progress;
        Preview = preview;
        Result = result;
    }

    /// <summary>The iteration this update reports (for the final update, the last iteration).</summary>
    public StyleTransferProgress Progress { get; }

    /// <summary>
    /// The image as it stands at this iteration (at this scale's size), on iterations that are a
    /// multiple of the preview interval; otherwise null.
    /// </summary>
    public RgbImage? Preview { get; }

    /// <summary>The run's result, on the final update only; otherwise null.</summary>
    public StyleTransferResult? Result { get; }

    /// <summary>Whether this is the final update, which carries <see cref="Result"/>.</summary>
    public bool IsFinal => Result is not null;
}
