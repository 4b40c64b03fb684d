namespace NeuralStyle.Benchmarks;

/// <summary>
/// Floating-point operations of one iteration, counted from VGG19's convolutions (everything else is
/// negligible): a 3×3 convolution from C_in to C_out channels on an H×W map costs 2·9·C_in·C_out·H·W
/// operations forward, and the same again backward to its input (the weights are frozen, so no
/// weight gradients). Pooling halves H and W after each block.
/// </summary>
internal static class ConvolutionWork
{
    private static readonly (int In, int Out, bool PoolAfter)[] Layers =
    [
        (3, 64, false), (64, 64, true),
        (64, 128, false), (128, 128, true),
        (128, 256, false), (256, 256, false), (256, 256, false), (256, 256, true),
        (256, 512, false), (512, 512, false), (512, 512, false), (512, 512, true),
        (512, 512, false), (512, 512, false),
    ];

    /// <summary>Forward plus backward-to-input FLOPs up to block5_conv2 (the defaults' deepest layer).</summary>
    public static double IterationFlops(int height, int width)
    {
        double flops = 0;
        foreach (var (cin, cout, poolAfter) in Layers)
        {
            flops += 2.0 * 2.0 * 9 * cin * cout * height * width;
            if (poolAfter)
            {
                height /= 2;
                width /= 2;
            }
        }

        return flops;
    }
}
