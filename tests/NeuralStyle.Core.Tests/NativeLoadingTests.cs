using System.Buffers.Binary;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using NeuralStyle.Build;
using static TorchSharp.torch;

namespace NeuralStyle.Core.Tests;

/// <summary>
/// libtorch loads on this system, and the build step that makes it load behaves as documented.
/// Flags in real libraries are read with binutils' readelf, not with the code under test.
/// </summary>
public class NativeLoadingTests
{
    private const string Version = WeakenGlibcxxVersionNeed.VersionName;
    private static readonly string OutputCopy = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    [Fact]
    public void Torch_initialises_and_computes()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();

        var product = tensor(new float[] { 1, 2, 3, 4 }, [2, 2]).matmul(tensor(new float[] { 1, 1, 1, 1 }, [2, 2]));

        Assert.Equal([3f, 3f, 7f, 7f], product.data<float>().ToArray());
    }

    [Fact]
    public void The_build_output_copy_needs_the_version_weakly_and_the_package_copy_strongly()
    {
        Assert.True(File.Exists(OutputCopy), $"a Linux build output carries {OutputCopy}");

        Assert.Equal("WEAK", ReadElfFlags(OutputCopy, Version));
        Assert.Equal("none", ReadElfFlags(PackageCopy(), Version));
    }

    [Fact]
    public void The_patch_sets_the_weak_bit_at_the_hand_computed_offset_and_nothing_else()
    {
        var original = TestElf.Build(Version);
        var patched = (byte[])original.Clone();

        Assert.Equal(WeakenOutcome.Patched, ElfVersions.MarkVersionNeedWeak(patched, Version));

        var changed = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToArray();
        Assert.Equal([TestElf.FlagsOffset], changed);
        Assert.Equal(0x2, patched[TestElf.FlagsOffset]);
        Assert.Equal(WeakenOutcome.AlreadyWeak, ElfVersions.MarkVersionNeedWeak(patched, Version));
        Assert.Equal(WeakenOutcome.NotNeeded, ElfVersions.MarkVersionNeedWeak(TestElf.Build("GLIBCXX_3.4.30"), Version));
    }

    [Fact]
    public void The_patch_of_the_real_library_changes_one_flag_as_readelf_sees_it()
    {
        var bytes = File.ReadAllBytes(PackageCopy());
        var patched = (byte[])bytes.Clone();

        Assert.Equal(WeakenOutcome.Patched, ElfVersions.MarkVersionNeedWeak(patched, Version));

        Assert.Single(Enumerable.Range(0, bytes.Length), i => bytes[i] != patched[i]);
        var file = Path.Combine(Path.GetTempPath(), $"neuralstyle-elf-{Guid.NewGuid():N}.so");
        try
        {
            File.WriteAllBytes(file, patched);
            Assert.Equal("WEAK", ReadElfFlags(file, Version));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("not ELF")]
    [InlineData("truncated before the section table")]
    [InlineData("section table beyond the end")]
    [InlineData("string table link out of range")]
    [InlineData("verneed section beyond the end")]
    [InlineData("vn_aux beyond the section")]
    [InlineData("name offset beyond the end")]
    [InlineData("name without its NUL")]
    [InlineData("vn_next pointing past the section")]
    public void Malformed_files_are_reported_and_left_untouched(string damage)
    {
        var elf = Damaged(damage);
        var copy = (byte[])elf.Clone();

        Assert.Equal(WeakenOutcome.Malformed, ElfVersions.MarkVersionNeedWeak(copy, Version));
        Assert.Equal(elf, copy);
    }

    [SkippableFact]
    public void The_task_replaces_the_output_file_and_leaves_a_hard_link_to_it_untouched()
    {
        Skip.IfNot(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "hard links are made with POSIX link()");
        var folder = Directory.CreateTempSubdirectory("neuralstyle-link-").FullName;
        try
        {
            var cache = Path.Combine(folder, "cache.so");
            var output = Path.Combine(folder, "output.so");
            var original = TestElf.Build(Version);
            File.WriteAllBytes(cache, original);
            Assert.Equal(0, link(cache, output));

            var task = new WeakenGlibcxxVersionNeed { BuildEngine = new SilentBuildEngine(), Files = [new TaskItem(output)] };
            Assert.True(task.Execute());

            Assert.Equal(original, File.ReadAllBytes(cache));
            Assert.Equal(0x2, File.ReadAllBytes(output)[TestElf.FlagsOffset]);
            Assert.Equal([cache, output], Directory.GetFiles(folder).Order());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Cuda_requested_of_the_cpu_build_says_which_package_has_cuda()
    {
        // The tests reference libtorch-cpu-linux-x64, a build without CUDA.
        var ex = Assert.Throws<NativeBackendException>(() => TorchRuntime.ResolveDevice(ComputeDevice.Cuda));

        Assert.Contains("CPU-only build", ex.Message);
        Assert.Contains("libtorch-cuda-12.8-linux-x64", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    /// <summary>The synthetic file with one field broken as <paramref name="damage"/> says.</summary>
    private static byte[] Damaged(string damage)
    {
        var elf = TestElf.Build(Version);
        var span = elf.AsSpan();
        var verneedHeader = TestElf.SectionTableOffset + 128;
        switch (damage)
        {
            case "not ELF":
                return "not an ELF file, just text that is long enough to have a header's length......"u8.ToArray();
            case "truncated before the section table":
                return elf[..(TestElf.SectionTableOffset + 10)];
            case "section table beyond the end":
                BinaryPrimitives.WriteUInt64LittleEndian(span[0x28..], ulong.MaxValue - 8);
                break;
            case "string table link out of range":
                BinaryPrimitives.WriteUInt32LittleEndian(span[(verneedHeader + 40)..], 7);
                break;
            case "verneed section beyond the end":
                BinaryPrimitives.WriteUInt64LittleEndian(span[(verneedHeader + 24)..], (ulong)TestElf.Length - 8);
                break;
            case "vn_aux beyond the section":
                BinaryPrimitives.WriteUInt32LittleEndian(span[(TestElf.VerneedOffset + 8)..], 4096);
                break;
            case "name offset beyond the end":
                BinaryPrimitives.WriteUInt32LittleEndian(span[(TestElf.VernauxOffset + 8)..], uint.MaxValue);
                break;
            case "name without its NUL":
                return StringRunsToTheEnd();
            case "vn_next pointing past the section":
                BinaryPrimitives.WriteUInt32LittleEndian(span[(verneedHeader + 44)..], 2); // two needs, but the first's vn_next leads out of the 32-byte section
                BinaryPrimitives.WriteUInt32LittleEndian(span[(TestElf.VernauxOffset + 8)..], 1); // not the version: keep walking
                BinaryPrimitives.WriteUInt32LittleEndian(span[(TestElf.VerneedOffset + 12)..], 32);
                break;
        }

        return elf;
    }

    /// <summary>A file whose version name is the last bytes of the file, with no NUL after it.</summary>
    private static byte[] StringRunsToTheEnd()
    {
        var elf = TestElf.Build(Version).ToList();
        var nameAt = elf.Count;
        elf.AddRange("GLIBCXX_3.4.32"u8.ToArray()); // no terminating NUL
        var bytes = elf.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(TestElf.VernauxOffset + 8), (uint)(nameAt - TestElf.StringsOffset));
        return bytes;
    }

    /// <summary>The vna_flags of <paramref name="version"/> in <paramref name="library"/> as binutils' readelf prints them ("none", "WEAK").</summary>
    private static string ReadElfFlags(string library, string version)
    {
        var start = new ProcessStartInfo("readelf", ["-V", "--wide", library]) { RedirectStandardOutput = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("readelf did not start (.ci/run installs binutils)");
        var text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return Regex.Match(text, $@"Name: {Regex.Escape(version)}\s+Flags: (\S+)").Groups[1].Value;
    }

    private static string PackageCopy()
    {
        var root = typeof(NativeLoadingTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "NuGetPackageRoot").Value!;
        return Path.Combine(root, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int link(string existing, string newPath);

    private sealed class SilentBuildEngine : IBuildEngine
    {
        public bool ContinueOnError => false;

        public int LineNumberOfTaskNode => 0;

        public int ColumnNumberOfTaskNode => 0;

        public string ProjectFileOfTaskNode => string.Empty;

        public bool BuildProjectFile(string projectFileName, string[] targetNames, System.Collections.IDictionary globalProperties, System.Collections.IDictionary targetOutputs) => false;

        public void LogCustomEvent(CustomBuildEventArgs e)
        {
        }

        public void LogErrorEvent(BuildErrorEventArgs e)
        {
        }

        public void LogMessageEvent(BuildMessageEventArgs e)
        {
        }

        public void LogWarningEvent(BuildWarningEventArgs e)
        {
        }
    }
}
