using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>
/// The loss of the whole image at once (<see cref="StyleObjective"/>), its gradient by automatic
/// differentiation.
/// </summary>
internal sealed class WholeImageObjective : IObjective
{
    private readonly StyleObjective _loss;

    /// <param name="loss">The loss and its targets (owned).</param>
    public WholeImageObjective(StyleObjective loss) => _loss = loss;

    public LossTerms Evaluate(Tensor image, Tensor? gradient)
    {
        using var scope = NewDisposeScope();
        if (gradient is null)
        {
            using var noGrad = no_grad();
            var (total, content, style, tv) = _loss.Evaluate(image);
            return Read(total, content, style, tv);
        }

        using (enable_grad())
        {
            var x = image.detach().requires_grad_(true);
            var (total, content, style, tv) = _loss.Evaluate(x);
            total.backward();
            using (no_grad())
            {
                gradient.copy_(x.grad!);
            }

            return Read(total, content, style, tv);
        }
    }

    public void Dispose() => _loss.Dispose();

    /// <summary>The four loss values, read back to the host in one transfer (one wait for a GPU, not four).</summary>
    private static LossTerms Read(Tensor total, Tensor content, Tensor style, Tensor tv)
    {
        using var values = stack([content.detach(), style.detach(), tv.detach(), total.detach()]).to(ScalarType.Float32).cpu();
        var v = values.data<float>();
        return new LossTerms(v[0], v[1], v[2], v[3]);
    }
}
