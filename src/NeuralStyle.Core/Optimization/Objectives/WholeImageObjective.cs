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
            var (total, values) = _loss.Evaluate(image);
            return Read(total, values);
        }

        using (enable_grad())
        {
            var x = image.detach().requires_grad_(true);
            var (total, values) = _loss.Evaluate(x);
            total.backward();
            using (no_grad())
            {
                gradient.copy_(x.grad!);
            }

            return Read(total, values);
        }
    }

    public void Dispose() => _loss.Dispose();

    /// <summary>The content, style and total variation terms and the total, read back to the host in one transfer (one wait for a GPU, not four).</summary>
    private static LossTerms Read(Tensor total, Tensor[] terms)
    {
        using var values = stack([terms[0].detach(), terms[1].detach(), terms[2].detach(), total.detach()]).to(ScalarType.Float32).cpu();
        var v = values.data<float>();
        return new LossTerms(v[0], v[1], v[2], v[3]);
    }
}
