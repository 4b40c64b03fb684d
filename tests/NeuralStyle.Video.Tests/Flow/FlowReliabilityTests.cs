using NeuralStyle.Video.Flow;
using static TorchSharp.torch;

namespace NeuralStyle.Video.Tests.Flow;

/// <summary>Ruder et al.'s reliability tests on flows whose answer follows from the thresholds by hand.</summary>
public sealed class FlowReliabilityTests
{
    private const int Width = 12;
    private const int Height = 10;

    [Fact]
    public void Opposite_flows_are_reliable_except_where_they_leave_the_frame()
    {
        using var forward = Flows.Constant(Height, Width, 3, -2);
        using var backward = Flows.Constant(Height, Width, -3, 2);

        using var mask = FlowReliability.Mask(forward, backward);

        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                var leaves = x - 3 < 0 || y + 2 > Height - 1;
                Assert.Equal(leaves ? 0f : 1f, mask[0, 0, y, x].item<float>());
            }
        }
    }

    [Theory]
    // |w̃ + ŵ|² against 0.01 (|w̃|² + |ŵ|²) + 0.5, with w̃ = (3, −2):
    [InlineData(-3, 2.5, 0f)] // 0.25 ≤ 0.01 (13 + 15.25) + 0.5 = 0.7825: consistent
    [InlineData(-3, 3, 1f)] // 1 > 0.01 (13 + 18) + 0.5 = 0.81: disoccluded
    [InlineData(3, -2, 1f)] // 52 > 0.76: the same direction both ways
    public void Flows_that_do_not_undo_each_other_mark_disocclusions(double backwardX, double backwardY, float expected)
    {
        using var forward = Flows.Constant(Height, Width, 3, -2);
        using var backward = Flows.Constant(Height, Width, backwardX, backwardY);

        using var disoccluded = FlowReliability.Disocclusions(forward, backward);

        Assert.Equal(expected, disoccluded[0, 0, 5, 6].item<float>()); // an inner pixel: the warp samples inside the frame
    }

    [Fact]
    public void A_step_in_the_flow_is_a_motion_boundary_where_it_steps()
    {
        var u = new float[Height * Width];
        for (var i = 0; i < u.Length; i++)
        {
            u[i] = i % Width >= 4 ? -1 : 0; // still on the left, one pixel a frame on the right
        }

        using var flow = cat([tensor(u, [1, 1, Height, Width]), zeros(1, 1, Height, Width)], 1);

        using var boundaries = FlowReliability.MotionBoundaries(flow);

        for (var x = 0; x < Width; x++)
        {
            // Forward differences: only column 3 sees the step, (−1 − 0)² = 1 > 0.01 · 0 + 0.002.
            Assert.Equal(x == 3 ? 1f : 0f, boundaries[0, 0, 4, x].item<float>());
        }
    }

    [Fact]
    public void A_gently_changing_flow_has_no_motion_boundary()
    {
        var u = new float[Height * Width];
        for (var i = 0; i < u.Length; i++)
        {
            u[i] = -0.01f * (i % Width); // (0.01)² = 1e-4 < 0.002 everywhere
        }

        using var flow = cat([tensor(u, [1, 1, Height, Width]), zeros(1, 1, Height, Width)], 1);

        using var boundaries = FlowReliability.MotionBoundaries(flow);

        Assert.Equal(0f, boundaries.sum().item<float>());
    }
}
