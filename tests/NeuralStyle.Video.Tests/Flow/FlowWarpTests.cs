using NeuralStyle.Video.Flow;
using static TorchSharp.torch;

namespace NeuralStyle.Video.Tests.Flow;

/// <summary>Warping along flows whose result is known pixel for pixel.</summary>
public sealed class FlowWarpTests
{
    private const int Width = 8;
    private const int Height = 6;

    [Fact]
    public void A_whole_pixel_flow_takes_each_pixel_from_there_and_the_edge_beyond_it()
    {
        using var image = Picture();
        using var flow = Flows.Constant(Height, Width, 1, 2);

        using var warped = FlowWarp.Warp(image, flow);
        using var outside = FlowWarp.Outside(flow);

        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                var (fromX, fromY) = (Math.Min(x + 1, Width - 1), Math.Min(y + 2, Height - 1));
                for (var c = 0; c < 3; c++)
                {
                    Assert.Equal(Value(c, fromY, fromX), warped[0, c, y, x].item<float>(), 5);
                }

                Assert.Equal(x + 1 > Width - 1 || y + 2 > Height - 1 ? 1f : 0f, outside[0, 0, y, x].item<float>());
            }
        }
    }

    [Fact]
    public void A_half_pixel_flow_averages_two_neighbours()
    {
        using var image = Picture();
        using var flow = Flows.Constant(Height, Width, 0.5, 0);

        using var warped = FlowWarp.Warp(image, flow);

        for (var x = 0; x < Width - 1; x++)
        {
            Assert.Equal((Value(1, 3, x) + Value(1, 3, x + 1)) / 2, warped[0, 1, 3, x].item<float>(), 5);
        }
    }

    [Fact]
    public void A_flow_that_is_not_two_channels_is_refused()
    {
        using var image = Picture();
        using var flow = zeros(1, 3, Height, Width);

        Assert.Throws<ArgumentException>(() => FlowWarp.Warp(image, flow));
    }

    /// <summary>A picture whose every value differs: c·100 + y·10 + x, scaled into [0, 1].</summary>
    private static float Value(int c, int y, int x) => ((c * 100) + (y * 10) + x) / 300f;

    private static Tensor Picture()
    {
        var data = new float[3 * Height * Width];
        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < Height; y++)
            {
                for (var x = 0; x < Width; x++)
                {
                    data[(((c * Height) + y) * Width) + x] = Value(c, y, x);
                }
            }
        }

        return tensor(data, [1, 3, Height, Width]);
    }
}
