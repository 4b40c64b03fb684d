using static TorchSharp.torch;

namespace NeuralStyle.Core.Tests;

/// <summary>The glibc malloc tuning that keeps libtorch's large buffers out of fresh mappings.</summary>
public class NativeAllocatorTests
{
    [SkippableFact]
    public void A_large_tensor_comes_from_the_heap_not_from_a_fresh_mapping()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "glibc malloc tuning applies on Linux only");
        TorchRuntime.EnsureLoaded();
        Assert.True(NativeAllocator.IsTuned);

        var mappedBefore = NativeHeap.MappedBytes();
        // 40 MB: above the 32 MB that glibc's default policy always serves with mmap (a 512 px
        // run's first-block activations are 50 MB), below the 64 MB of a thread arena's heap.
        using var large = empty(10_000_000, ScalarType.Float32);
        large.fill_(1); // Touch it, so that it is really allocated.

        Assert.True(NativeHeap.MappedBytes() - mappedBefore < 1_000_000, $"{NativeHeap.MappedBytes() - mappedBefore} bytes were mapped for the tensor");
    }
}
