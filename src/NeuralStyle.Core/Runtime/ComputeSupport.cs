using System.Runtime.Intrinsics.X86;

namespace NeuralStyle;

/// <summary>What this machine computes fast: a question to ask before choosing <see cref="ComputePrecision.BFloat16"/>.</summary>
public static class ComputeSupport
{
    private static readonly Lazy<BFloat16Support> Cpu = new(() => X86Base.IsSupported ? CpuFeatures.BFloat16(CpuFeatures.ReadX86()) : BFloat16Support.Unknown);

    /// <summary>
    /// Whether <paramref name="device"/> computes in bfloat16 natively, or emulates it. On x86-64 CPUs
    /// it reads the CPU's feature flags: <see cref="BFloat16Support.Native"/> with AVX-512 BF16 or AMX,
    /// <see cref="BFloat16Support.Emulated"/> without (there a bfloat16 run is many times slower than a
    /// float32 one); <see cref="BFloat16Support.Unknown"/> for other CPUs and for GPUs. Does not load libtorch.
    /// </summary>
    /// <param name="device">The device a run would compute on.</param>
    public static BFloat16Support BFloat16(ComputeDevice device) => device == ComputeDevice.Cpu ? Cpu.Value : BFloat16Support.Unknown;
}
