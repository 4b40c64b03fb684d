using static TorchSharp.torch;

namespace NeuralStyle.Video.Flow;

/// <summary>
/// Where the backward flow of a frame can be trusted, by the tests of Ruder, Dosovitskiy and Brox
/// ("Artistic Style Transfer for Videos", 2016, section 3.2): 1 where it can, 0 where
/// <list type="bullet">
/// <item>the forward and backward flows disagree (a pixel that was hidden in the previous frame):
/// |w̃ + ŵ|² &gt; 0.01 (|w̃|² + |ŵ|²) + 0.5, with ŵ the backward flow and w̃ the forward flow
/// warped onto this frame along ŵ;</item>
/// <item>the backward flow changes sharply (a motion boundary): |∇û|² + |∇v̂|² &gt; 0.01 |ŵ|² + 0.002;</item>
/// <item>the backward flow points outside the previous frame.</item>
/// </list>
/// Gradients are forward differences (zero past the last row and column).
/// </summary>
internal static class FlowReliability
{
    /// <summary>The mask, 1×1×H×W float32 in {0, 1}; the caller owns it.</summary>
    /// <param name="forward">The flow from the previous frame to this one, 1×2×H×W.</param>
    /// <param name="backward">The flow from this frame to the previous one, 1×2×H×W.</param>
    public static Tensor Mask(Tensor forward, Tensor backward)
    {
        using var scope = NewDisposeScope();
        var reliable = (1 - Disocclusions(forward, backward)) * (1 - MotionBoundaries(backward)) * (1 - FlowWarp.Outside(backward));
        return reliable.MoveToOuterDisposeScope();
    }

    /// <summary>1 where the two flows disagree (the first test), else 0; 1×1×H×W.</summary>
    public static Tensor Disocclusions(Tensor forward, Tensor backward)
    {
        using var scope = NewDisposeScope();
        var carried = FlowWarp.Warp(forward.to(ScalarType.Float32), backward);
        var b = backward.to(ScalarType.Float32);
        var sum = (carried + b).square().sum(1, keepdim: true);
        var threshold = 0.01 * (carried.square().sum(1, keepdim: true) + b.square().sum(1, keepdim: true)) + 0.5;
        return (sum > threshold).to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>1 on motion boundaries of <paramref name="flow"/> (the second test), else 0; 1×1×H×W.</summary>
    public static Tensor MotionBoundaries(Tensor flow)
    {
        using var scope = NewDisposeScope();
        var f = flow.to(ScalarType.Float32);
        var across = nn.functional.pad(f[.., .., .., 1..] - f[.., .., .., ..^1], [0, 1, 0, 0]);
        var down = nn.functional.pad(f[.., .., 1.., ..] - f[.., .., ..^1, ..], [0, 0, 0, 1]);
        var gradient = (across.square() + down.square()).sum(1, keepdim: true);
        var threshold = 0.01 * f.square().sum(1, keepdim: true) + 0.002;
        return (gradient > threshold).to(ScalarType.Float32).MoveToOuterDisposeScope();
    }
}
