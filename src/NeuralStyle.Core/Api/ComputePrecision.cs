namespace NeuralStyle;

/// <summary>The number format the VGG19 convolutions compute in.</summary>
public enum ComputePrecision
{
    /// <summary>32-bit floats throughout (the default).</summary>
    Float32,

    /// <summary>
    /// The convolutions (forward and backward) and the Gram products in bfloat16; the image, the
    /// sums of the losses and the optimiser in float32.
    /// Faster on CPUs with native bfloat16 arithmetic (AVX-512 BF16, AMX) and on recent GPUs, at
    /// about three significant digits per activation; on CPUs without it (AVX2 only) libtorch
    /// emulates it and a run is about 30 times slower than in float32 (<see cref="ComputeSupport.BFloat16"/>
    /// tells which). See docs/performance.md for its measured speed and effect on the result. With L-BFGS, a scale optimised whole whose steps stall (the
    /// gradients' rounding noise outweighs what is left to gain) finishes in float32, where the
    /// float32 scale fits in the memory limit too: the run never ends worse than float32 could.
    /// </summary>
    BFloat16,
}
