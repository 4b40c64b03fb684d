namespace NeuralStyle;

/// <summary>
/// A run's peak resident memory, modelled as
/// <c>base + k · feature-map bytes + h · L-BFGS history bytes</c> (+ Adam's moments, the iterate average):
/// <list type="bullet">
/// <item>the feature maps one step keeps for its backward pass (<see cref="NetworkFootprint"/>, in the
/// precision's bytes) times k, for what libtorch and oneDNN allocate beside them (gradients flowing
/// back, convolution workspaces, max pooling's indices, the allocator's slack);</item>
/// <item>L-BFGS's curvature pairs, two image-sized float32 vectors per iteration up to the history
/// size, times h: the pairs are kept while each iteration's buffers come and go around them, so the
/// heap grows by more than their own size;</item>
/// <item>the process base: the runtime, libtorch, the network's weights, the inputs.</item>
/// </list>
/// base and k of each precision are fitted to peak RSS of 3-iteration single-scale runs at 256, 512,
/// 1024 and 1536 px, and h to two runs whose history fills up (<c>bench --memory</c>; docs/large-images.md
/// has the measurements and the model's error). Measured with <see cref="ProcessTuning.TuneNativeAllocator"/>
/// in effect, as the CLI runs; without it glibc returns large buffers sooner, so the model errs high.
/// </summary>
internal static class MemoryModel
{
    /// <summary>The heap growth per byte of L-BFGS history kept. Fitted.</summary>
    private const double HistoryFactor = 3.0;

    /// <summary>The process before any scale runs: the runtime, libtorch, the network's weights, the inputs. Fitted.</summary>
    public static long BaseBytes(ComputePrecision precision) => precision == ComputePrecision.BFloat16 ? 620_000_000 : 630_000_000;

    /// <summary>Bytes allocated per byte of kept feature maps. Fitted.</summary>
    public static double ActivationFactor(ComputePrecision precision) => precision == ComputePrecision.BFloat16 ? 2.22 : 2.20;

    /// <summary>The peak resident bytes of a process running one scale of <paramref name="width"/> × <paramref name="height"/> for <paramref name="iterations"/> iterations.</summary>
    public static long PeakBytes(StyleTransferOptions options, int width, int height, int iterations) =>
        BaseBytes(options.Precision) + ScaleBytes(options, width, height, iterations);

    /// <summary>What one scale adds to the process: its feature maps and its optimiser state.</summary>
    public static long ScaleBytes(StyleTransferOptions options, int width, int height, int iterations)
    {
        var elementBytes = options.Precision == ComputePrecision.BFloat16 ? 2 : 4;
        var featureBytes = NetworkFootprint.ActivationElements(height, width, options.Optimization.DeepestLayer) * elementBytes;
        return (long)(ActivationFactor(options.Precision) * featureBytes) + OptimizerBytes(options, width, height, iterations);
    }

    /// <summary>
    /// The optimiser's state beyond what the fit holds: L-BFGS's pairs (two image-sized float32 vectors
    /// per iteration, up to the history size) times <see cref="HistoryFactor"/>, or Adam's two
    /// moments; one more vector for the iterate average.
    /// </summary>
    public static long OptimizerBytes(StyleTransferOptions options, int width, int height, int iterations)
    {
        var vector = 3L * width * height * sizeof(float);
        var state = options.Optimizer == OptimizerKind.Lbfgs
            ? (long)(HistoryFactor * 2 * Math.Min(iterations, options.Lbfgs.HistorySize) * vector)
            : 2 * vector;
        return state + (options.AveragingDecay > 0 ? vector : 0);
    }
}
