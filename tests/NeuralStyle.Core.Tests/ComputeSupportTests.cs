using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using Microsoft.Extensions.Logging;

namespace NeuralStyle.Core.Tests;

/// <summary>Whether bfloat16 is native or emulated: the CPUID bits, the kernel's view of them, and the engine's warning.</summary>
public sealed class ComputeSupportTests
{
    // Bit positions from Intel's Software Developer's Manual, volume 2, CPUID leaf 07H:
    // AMX-BF16 is EDX bit 22 of sub-leaf 0 (0x0040_0000); AVX512_BF16 is EAX bit 5 of sub-leaf 1 (0x20).
    [Theory]
    [InlineData(0x0040_0000, 0x00, false, BFloat16Support.Native)] // AMX-BF16 (Sapphire Rapids)
    [InlineData(0x0000_0000, 0x20, true, BFloat16Support.Native)] // AVX-512 BF16 (Cooper Lake, Zen 4)
    [InlineData(0x0000_0000, 0x20, false, BFloat16Support.Emulated)] // AVX-512 BF16 reported, AVX-512 state not enabled by the OS
    [InlineData(0x0000_0000, 0x10, true, BFloat16Support.Emulated)] // only AVX-VNNI (EAX bit 4): no bfloat16 arithmetic
    [InlineData(0x003F_FFFF, 0x1F, true, BFloat16Support.Emulated)] // every other low bit set, neither of the two
    [InlineData(0x0000_0000, 0x00, false, BFloat16Support.Emulated)] // AVX2 only (Zen 3, most desktop CPUs)
    public void The_decision_reads_amx_bf16_and_avx512_bf16_bits(int leaf7Edx, int subleaf1Eax, bool avx512Enabled, BFloat16Support expected) =>
        Assert.Equal(expected, CpuFeatures.BFloat16(new CpuFeatures.X86Registers(leaf7Edx, subleaf1Eax, avx512Enabled)));

    [SkippableFact]
    public void On_linux_x64_it_agrees_with_the_kernels_cpu_flags()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64, "/proc/cpuinfo's x86 flags");
        var flags = File.ReadLines("/proc/cpuinfo").First(l => l.StartsWith("flags", StringComparison.Ordinal)).Split(':', 2)[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var kernelSaysNative = flags.Contains("amx_bf16") || (flags.Contains("avx512f") && flags.Contains("avx512_bf16"));

        Assert.Equal(kernelSaysNative ? BFloat16Support.Native : BFloat16Support.Emulated, ComputeSupport.BFloat16(ComputeDevice.Cpu));
        Assert.Equal(flags.Contains("avx512f"), Avx512F.IsSupported);
    }

    [Fact]
    public void A_gpu_is_not_judged() => Assert.Equal(BFloat16Support.Unknown, ComputeSupport.BFloat16(ComputeDevice.Cuda));

    [SkippableFact]
    public async Task Loading_the_bfloat16_network_warns_exactly_where_the_cpu_emulates_bfloat16()
    {
        var logger = new ListLogger<StyleTransferEngine>(LogLevel.Information);
        await using var engine = new StyleTransferEngine(new StyleTransferEngineOptions { WeightsPath = TestEnvironment.RequireWeights() }, logger);
        await engine.LoadAsync(ComputePrecision.Float32);
        Assert.DoesNotContain(logger.Entries, e => e.Level == LogLevel.Warning);

        await engine.LoadAsync(ComputePrecision.BFloat16);

        var warnings = logger.Entries.Where(e => e.Level == LogLevel.Warning).ToArray();
        if (ComputeSupport.BFloat16(ComputeDevice.Cpu) == BFloat16Support.Emulated)
        {
            Assert.Contains("use ComputePrecision.Float32", Assert.Single(warnings).Message, StringComparison.Ordinal);
        }
        else
        {
            Assert.Empty(warnings);
        }
    }
}
