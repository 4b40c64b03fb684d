using System.Runtime.InteropServices;

namespace NeuralStyle.Core.Tests;

/// <summary>
/// Bytes the C heap (glibc malloc, which libtorch's CPU allocator uses) has handed out and not had
/// back. Unlike the resident set size it does not move with fragmentation or the GC's committed
/// memory, so a leak shows up in it and noise does not.
/// </summary>
internal static class NativeHeap
{
    public static long BytesInUse()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var info = MallInfo2();
        return (long)(info.InUseOrdinary + info.InUseMapped);
    }

    /// <summary>
    /// Bytes the C heap has handed out and not had back, as it is: native memory that only a
    /// finaliser would release still counts.
    /// </summary>
    public static long BytesInUseWithoutCollecting()
    {
        var info = MallInfo2();
        return (long)(info.InUseOrdinary + info.InUseMapped);
    }

    /// <summary>Bytes of live allocations that glibc served with their own mmap.</summary>
    public static long MappedBytes() => (long)MallInfo2().InUseMapped;

    /// <summary>The process's resident set size (for the record; it is noisy).</summary>
    public static long ResidentBytes()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }

    [DllImport("libc", EntryPoint = "mallinfo2")]
    private static extern MallocInfo MallInfo2();

    [StructLayout(LayoutKind.Sequential)]
    private readonly struct MallocInfo
    {
        public readonly nuint Arena;
        public readonly nuint FreeChunks;
        public readonly nuint FastBins;
        public readonly nuint MappedRegions;
        public readonly nuint InUseMapped;
        public readonly nuint MaxTotalAllocated;
        public readonly nuint FreeFastBinBytes;
        public readonly nuint InUseOrdinary;
        public readonly nuint FreeOrdinary;
        public readonly nuint Releasable;
    }
}
