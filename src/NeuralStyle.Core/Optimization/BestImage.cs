using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>
/// The image with the lowest loss measured so far in a scale, and that loss: what a scale ends on
/// when its last step went uphill (an unmeasured step can overshoot).
/// </summary>
internal sealed class BestImage : IDisposable
{
    /// <summary>Starts with a copy of <paramref name="image"/> and no loss measured.</summary>
    public BestImage(Tensor image)
    {
        using (no_grad())
        {
            Image = image.detach().clone().DetachFromDisposeScope();
        }
    }

    /// <summary>The best image so far (a copy, owned here).</summary>
    public Tensor Image { get; }

    /// <summary>Its loss; null before any measurement.</summary>
    public LossTerms? Losses { get; set; }

    /// <summary>Copies <paramref name="image"/> in when <paramref name="terms"/>, measured at it, is the lowest loss yet.</summary>
    public void Offer(Tensor image, LossTerms terms)
    {
        if (Losses is { } best && !(terms.Total < best.Total))
        {
            return;
        }

        using (no_grad())
        {
            Image.copy_(image);
        }

        Losses = terms;
    }

    /// <summary>Copies the best image into <paramref name="image"/> when an earlier one measured lower than <paramref name="current"/>, its loss.</summary>
    /// <returns>Whether it did.</returns>
    public bool RestoreIfLower(Tensor image, LossTerms current)
    {
        if (Losses is not { } best || current.Total <= best.Total)
        {
            return false;
        }

        using (no_grad())
        {
            image.copy_(Image);
        }

        return true;
    }

    public void Dispose() => Image.Dispose();
}
