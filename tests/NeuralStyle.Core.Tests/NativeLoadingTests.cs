using System.Reflection;
using NeuralStyle.Build;
using static TorchSharp.torch;

namespace NeuralStyle.Core.Tests;

/// <summary>libtorch loads on this system, and the build step that makes it load behaves as documented.</summary>
public class NativeLoadingTests
{
    private static readonly string OutputCopy = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    [Fact]
    public void Torch_initialises_and_computes()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();

        var product = tensor(new float[] { 1, 2, 3, 4 }, [2, 2]).matmul(tensor(new float[] { 1, 1, 1, 1 }, [2, 2]));

        Assert.Equal([3f, 3f, 7f, 7f], product.data<float>().ToArray());
    }

    [SkippableFact]
    public void Output_copy_has_the_glibcxx_need_weak_exactly_when_the_system_lacks_it()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && File.Exists(OutputCopy), "only Linux builds carry libLibTorchSharp.so in runtimes/linux-x64/native");
        var libstdcxx = ElfVersions.FindSystemLibStdCxx();
        var systemHasIt = libstdcxx is not null && ElfVersions.DefinesVersion(File.ReadAllBytes(libstdcxx), WeakenGlibcxxVersionNeed.VersionName);

        var weak = ElfVersions.IsVersionNeedWeak(File.ReadAllBytes(OutputCopy), WeakenGlibcxxVersionNeed.VersionName);

        Assert.Equal(!systemHasIt, weak);
    }

    [SkippableFact]
    public void Patch_changes_one_flag_in_the_package_copy_and_is_idempotent()
    {
        var original = PackageCopy();
        Skip.If(original is null, "TorchSharp's package copy of libLibTorchSharp.so was not found in the NuGet cache");
        var bytes = File.ReadAllBytes(original!);
        var patched = (byte[])bytes.Clone();

        Assert.False(ElfVersions.IsVersionNeedWeak(bytes, WeakenGlibcxxVersionNeed.VersionName));
        Assert.Equal(WeakenOutcome.Patched, ElfVersions.MarkVersionNeedWeak(patched, WeakenGlibcxxVersionNeed.VersionName));
        var changed = Enumerable.Range(0, bytes.Length).Where(i => bytes[i] != patched[i]).ToArray();
        Assert.Single(changed);
        Assert.Equal(0x2, patched[changed[0]] & 0x2);

        var again = (byte[])patched.Clone();
        Assert.Equal(WeakenOutcome.AlreadyWeak, ElfVersions.MarkVersionNeedWeak(again, WeakenGlibcxxVersionNeed.VersionName));
        Assert.Equal(patched, again);
    }

    [Fact]
    public void Files_that_are_not_elf_or_lack_the_need_are_left_alone()
    {
        var text = "not an ELF file"u8.ToArray();
        Assert.Equal(WeakenOutcome.NotElf64, ElfVersions.MarkVersionNeedWeak(text, WeakenGlibcxxVersionNeed.VersionName));

        var libc = new[] { "/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib64/libc.so.6" }.FirstOrDefault(File.Exists);
        Skip.If(libc is null);
        var bytes = File.ReadAllBytes(libc!);
        Assert.Equal(WeakenOutcome.NotNeeded, ElfVersions.MarkVersionNeedWeak(bytes, WeakenGlibcxxVersionNeed.VersionName));
    }

    [SkippableFact]
    public void Cuda_requested_without_cuda_gives_a_clear_error()
    {
        Skip.If(cuda.is_available(), "this machine has CUDA");

        var ex = Assert.Throws<NativeBackendException>(() => TorchRuntime.ResolveDevice(ComputeDevice.Cuda));

        Assert.Contains("CUDA", ex.Message);
        Assert.Contains("libtorch-cuda", ex.Message);
    }

    private static string? PackageCopy()
    {
        var root = typeof(NativeLoadingTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "NuGetPackageRoot")?.Value;
        var path = root is null ? null : Path.Combine(root, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        return path is not null && File.Exists(path) ? path : null;
    }
}
