namespace NeuralStyle;

/// <summary>How a device computes in bfloat16 (<see cref="ComputePrecision.BFloat16"/>); see <see cref="ComputeSupport.BFloat16"/>.</summary>
public enum BFloat16Support
{
    /// <summary>Not known for this device (CPUs other than x86-64, GPUs): measure before choosing bfloat16.</summary>
    Unknown,

    /// <summary>The device has bfloat16 arithmetic (x86-64 CPUs with AVX-512 BF16 or AMX): bfloat16 is faster than float32.</summary>
    Native,

    /// <summary>
    /// The device has no bfloat16 arithmetic (x86-64 CPUs with AVX2 only, such as AMD Zen 1–3 and most
    /// Intel desktop and laptop CPUs) and libtorch emulates it: a run in bfloat16 is many times slower
    /// than in float32 (docs/performance.md). Use <see cref="ComputePrecision.Float32"/>.
    /// </summary>
    Emulated,
}
