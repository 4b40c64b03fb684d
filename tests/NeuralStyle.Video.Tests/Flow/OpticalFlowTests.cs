using NeuralStyle.Video.Flow;
using static TorchSharp.torch;

namespace NeuralStyle.Video.Tests.Flow;

/// <summary>OpenCV's flow on a texture moved by a known number of pixels, and its sign convention against the warp.</summary>
public sealed class OpticalFlowTests
{
    private const int Width = 128;
    private const int Height = 96;
    private const int Margin = 16; // the flow near the edges sees texture come in from outside

    [Fact]
    public void The_flow_of_a_moved_picture_is_the_move()
    {
        var before = Textures.Shifted(Width, Height, 0, 0);
        var after = Textures.Shifted(Width, Height, 3, -2); // everything moves 3 px right and 2 px up

        using var flow = OpticalFlow.Between(before, after);

        Assert.Equal([1, 2, Height, Width], flow.shape);
        using var inner = flow[.., .., Margin..^Margin, Margin..^Margin];
        using var dx = inner[0, 0].flatten();
        using var dy = inner[0, 1].flatten();
        Assert.InRange(dx.median().item<float>(), 2.9f, 3.1f);
        Assert.InRange(dy.median().item<float>(), -2.1f, -1.9f);
        using var error = ((dx - 3).square() + (dy + 2).square()).sqrt();
        Assert.True((error < 0.5).to(ScalarType.Float32).mean().item<float>() > 0.95f, "95 % of the inner pixels within half a pixel of the move");
    }

    [Fact]
    public void The_previous_frame_warped_along_the_backward_flow_is_the_current_frame()
    {
        var previous = Textures.Shifted(Width, Height, 0, 0);
        var current = Textures.Shifted(Width, Height, 3, -2);

        using var backward = OpticalFlow.Between(current, previous);
        using var warped = FlowWarp.Warp(ImageTensors.ToTensor(previous), backward);

        using var expected = ImageTensors.ToTensor(current);
        using var difference = (warped - expected)[.., .., Margin..^Margin, Margin..^Margin].abs();
        Assert.True(difference.mean().item<float>() < 2f / 255, $"mean difference {difference.mean().item<float>() * 255:F2} levels");
    }

    [Fact]
    public void Frames_of_different_sizes_are_refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => OpticalFlow.Between(Textures.Shifted(32, 32, 0, 0), Textures.Shifted(32, 36, 0, 0)));
        Assert.Contains("one size", ex.Message);
    }
}
