using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace NeuralStyle;

/// <summary>
/// The Gram matrix G = F·diag(w)·Fᵀ / d of each map in a batch (w a weight per position, or none),
/// as one autograd node with a hand-written backward: ∂L/∂F = (∂L/∂G + ∂L/∂Gᵀ)·F·diag(w) / d,
/// computed as a single 1 × 1 convolution of F, then scaled by w.
/// </summary>
/// <remarks>
/// Autograd's own backward for <c>F.bmm(Fᵀ)</c> does two products (one per factor), adds a
/// transposed result into a contiguous one, and uses the BLAS kernel for a C × C by C × (H·W)
/// product, which runs at a tenth of the machine's rate for C = 64 here. This backward does one
/// product, through the convolution kernels (oneDNN on CPU), and takes about a third of the time
/// (docs/performance.md). The gradient is exact for any use of G, not only for losses that are
/// symmetric in it. With weights, only F and w are kept for the backward pass, not the weighted
/// copy F·diag(w) the forward multiplies with: that copy is as large as F, and a masked or tiled
/// step would otherwise keep one per style layer.
/// </remarks>
internal sealed class GramMatrixFunction : autograd.SingleTensorFunction<GramMatrixFunction>
{
    /// <inheritdoc />
    public override string Name => "GramMatrix";

    /// <summary>The Gram matrices (N × C × C) of NCHW <paramref name="features"/>, divided by <paramref name="divisor"/>.</summary>
    public static Tensor Compute(Tensor features, double divisor) => apply(features, divisor);

    /// <summary>
    /// The weighted Gram matrices F·diag(w)·Fᵀ / <paramref name="divisor"/> (N × C × C) of NCHW
    /// <paramref name="features"/>, with <paramref name="weights"/> N × 1 × H × W (no gradient flows to them).
    /// </summary>
    public static Tensor Compute(Tensor features, Tensor weights, double divisor) => apply(features, divisor, weights.detach());

    /// <inheritdoc />
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var features = (Tensor)vars[0];
        var divisor = (double)vars[1];
        var weights = vars.Length > 2 ? (Tensor)vars[2] : null;
        ctx.save_for_backward(weights is null ? [features] : [features, weights]);
        ctx.save_data(nameof(divisor), divisor);
        var (n, c, h, w) = (features.shape[0], features.shape[1], features.shape[2], features.shape[3]);
        using var scope = NewDisposeScope(); // Temporaries are disposed here, never left to the GC mid-call.
        var weighted = weights is null ? features : features * weights.to(features.dtype);
        if (IsChannelsLast(features))
        {
            // Channels-last features are H·W × C rows in memory: Fᵀ·F of that view, without a copy.
            var rows = features.permute(0, 2, 3, 1).reshape(n, h * w, c);
            var weightedRows = weighted.permute(0, 2, 3, 1).reshape(n, h * w, c);
            return weightedRows.transpose(1, 2).bmm(rows).div_(divisor).MoveToOuterDisposeScope();
        }

        var flat = features.reshape(n, c, h * w);
        return weighted.reshape(n, c, h * w).bmm(flat.transpose(1, 2)).div_(divisor).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
    {
        using var scope = NewDisposeScope();
        var saved = ctx.get_saved_variables();
        var features = saved[0];
        var weights = saved.Count > 1 ? saved[1] : null;
        var divisor = (double)ctx.get_data("divisor");
        var (n, c, h, w) = (features.shape[0], features.shape[1], features.shape[2], features.shape[3]);

        // One 1 × 1 convolution: for a batch, grouped, where group i applies item i's C × C matrix.
        // A single map goes in as it is: reshaping a channels-last one, even to its own shape, gives
        // it strides that libtorch no longer takes for channels-last, and the gradient would come
        // back NCHW, which makes every later elementwise step of the backward pass mix layouts.
        var symmetric = (grad_output + grad_output.transpose(1, 2)).div_(divisor).to(features.dtype);
        var kernels = symmetric.reshape(n * c, c, 1, 1);
        var gradient = n == 1
            ? conv2d(features, kernels)
            : conv2d(features.reshape(1, n * c, h, w), kernels, groups: n).reshape(n, c, h, w);
        if (weights is not null)
        {
            gradient.mul_(weights.to(features.dtype));
        }

        return weights is null ? [gradient.MoveToOuterDisposeScope(), null!] : [gradient.MoveToOuterDisposeScope(), null!, null!];
    }

    /// <summary>Whether an NCHW tensor is stored channels-last (NHWC in memory).</summary>
    private static bool IsChannelsLast(Tensor features) =>
        features.shape[1] > 1 && features.stride(1) == 1 && features.stride(3) == features.shape[1];
}
