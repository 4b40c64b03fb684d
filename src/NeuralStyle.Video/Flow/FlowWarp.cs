using static TorchSharp.torch;

namespace NeuralStyle.Video.Flow;

/// <summary>
/// Moves a picture along an optical flow with bilinear sampling (TorchSharp's <c>grid_sample</c>):
/// the result at pixel p is the picture at p + flow(p). With the backward flow (from this frame to
/// the previous one) it brings the previous frame's result onto this frame.
/// </summary>
internal static class FlowWarp
{
    /// <summary>
    /// The warped picture, N×C×H×W like <paramref name="image"/>; positions outside the picture take
    /// the nearest edge pixel (<see cref="Outside"/> says where that happened). The caller owns it.
    /// </summary>
    /// <param name="image">N×C×H×W, float.</param>
    /// <param name="flow">1×2×H×W (or N×2×H×W) in pixels: channel 0 horizontal, 1 vertical.</param>
    public static Tensor Warp(Tensor image, Tensor flow)
    {
        using var scope = NewDisposeScope();
        var grid = SamplingGrid(flow, image.shape[0]);
        return nn.functional.grid_sample(image, grid.to(image.dtype), GridSampleMode.Bilinear, GridSamplePaddingMode.Border, align_corners: true)
            .MoveToOuterDisposeScope();
    }

    /// <summary>1×1×H×W (or N×1×H×W): 1 where p + flow(p) falls outside the picture, else 0.</summary>
    public static Tensor Outside(Tensor flow)
    {
        using var scope = NewDisposeScope();
        var (x, y) = Targets(flow);
        var (height, width) = (flow.shape[2], flow.shape[3]);
        var outside = (x < 0) | (x > width - 1) | (y < 0) | (y > height - 1);
        return outside.to(ScalarType.Float32).unsqueeze(1).MoveToOuterDisposeScope();
    }

    /// <summary>Where each pixel samples from, in pixels: p + flow(p), each N×H×W.</summary>
    private static (Tensor X, Tensor Y) Targets(Tensor flow)
    {
        CheckFlow(flow);
        var (height, width) = (flow.shape[2], flow.shape[3]);
        var columns = arange(width, dtype: ScalarType.Float32, device: flow.device).view(1, 1, width);
        var rows = arange(height, dtype: ScalarType.Float32, device: flow.device).view(1, height, 1);
        return (columns + flow[.., 0].to(ScalarType.Float32), rows + flow[.., 1].to(ScalarType.Float32));
    }

    /// <summary>The grid <c>grid_sample</c> takes: N×H×W×2, positions scaled to [−1, 1] (corner pixels' centres at ±1).</summary>
    private static Tensor SamplingGrid(Tensor flow, long batch)
    {
        var (x, y) = Targets(flow);
        var (height, width) = (flow.shape[2], flow.shape[3]);
        var grid = stack([x * (2.0 / (width - 1)) - 1, y * (2.0 / (height - 1)) - 1], dim: -1);
        return grid.shape[0] == batch ? grid : grid.expand(batch, -1, -1, -1);
    }

    private static void CheckFlow(Tensor flow)
    {
        if (flow.dim() != 4 || flow.shape[1] != 2 || flow.shape[2] < 2 || flow.shape[3] < 2)
        {
            Guard.ThrowArgument($"A flow is N×2×H×W with H and W at least 2; it was [{string.Join(", ", flow.shape)}].", nameof(flow));
        }
    }
}
