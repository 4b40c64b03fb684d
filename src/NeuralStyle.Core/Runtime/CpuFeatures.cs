using System.Runtime.Intrinsics.X86;

namespace NeuralStyle;

/// <summary>
/// The x86-64 feature bits that decide whether libtorch computes bfloat16 natively (oneDNN's
/// bfloat16 kernels need AVX-512 BF16 or AMX; without them libtorch falls back to scalar loops),
/// read with CPUID as Intel's Software Developer's Manual (volume 2, CPUID leaf 07H) defines them.
/// </summary>
internal static class CpuFeatures
{
    /// <summary>CPUID.(EAX=07H, ECX=1):EAX bit 5.</summary>
    private const int Avx512Bf16Bit = 1 << 5;

    /// <summary>CPUID.(EAX=07H, ECX=0):EDX bit 22.</summary>
    private const int AmxBf16Bit = 1 << 22;

    /// <summary>The registers this decision reads, and whether the operating system has enabled AVX-512's register state.</summary>
    /// <param name="Leaf7Edx">EDX of CPUID leaf 07H, sub-leaf 0 (0 when the CPU has no leaf 07H).</param>
    /// <param name="Leaf7Subleaf1Eax">EAX of CPUID leaf 07H, sub-leaf 1 (0 when the CPU has no sub-leaf 1).</param>
    /// <param name="Avx512Enabled">Whether AVX-512 instructions can run (the CPU has them and the operating system saves their state).</param>
    internal readonly record struct X86Registers(int Leaf7Edx, int Leaf7Subleaf1Eax, bool Avx512Enabled);

    /// <summary>Native where the CPU has AMX-BF16, or AVX-512 BF16 with AVX-512 enabled; emulated otherwise.</summary>
    public static BFloat16Support BFloat16(X86Registers registers) =>
        (registers.Leaf7Edx & AmxBf16Bit) != 0 || (registers.Avx512Enabled && (registers.Leaf7Subleaf1Eax & Avx512Bf16Bit) != 0)
            ? BFloat16Support.Native
            : BFloat16Support.Emulated;

    /// <summary>Reads the registers on this CPU; call only where <see cref="X86Base.IsSupported"/>.</summary>
    public static X86Registers ReadX86()
    {
        var maxLeaf = X86Base.CpuId(0, 0).Eax;
        if (maxLeaf < 7)
        {
            return new X86Registers(0, 0, Avx512F.IsSupported);
        }

        var leaf7 = X86Base.CpuId(7, 0);
        var subleaf1Eax = leaf7.Eax >= 1 ? X86Base.CpuId(7, 1).Eax : 0; // leaf 07H's EAX is its highest sub-leaf
        return new X86Registers(leaf7.Edx, subleaf1Eax, Avx512F.IsSupported);
    }
}
