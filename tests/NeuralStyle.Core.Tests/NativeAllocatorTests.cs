using static TorchSharp.torch;

namespace NeuralStyle.Core.Tests;

/// <summary>glibc malloc's tuning for libtorch's large buffers: applied when the app asks, never by a run; set aside while tiled work runs.</summary>
public class NativeAllocatorTests
{
    // 40 MB: above the 32 MB that glibc's default policy always serves with a fresh mmap, below the
    // 64 MB of a thread arena's heap.
    private const int LargeTensorFloats = 10_000_000;

    [SkippableFact]
    public async Task A_run_leaves_the_allocator_alone_and_the_tuning_takes_effect_when_asked_for()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "glibc malloc tuning applies on Linux only");
        var images = TestEnvironment.RequireImagesAndWeights();
        await StyleTransfer.RunAsync(new StyleTransferOptions
        {
            Content = Path.Combine(images, "tubingen.jpg"),
            Styles = [Path.Combine(images, "starry_night.jpg")],
            OutputSize = 32,
            Iterations = 1,
        });

        Assert.True(MappedForLargeTensor() >= LargeTensorFloats * sizeof(float), "after a run, glibc no longer maps 40 MB buffers by itself: the run tuned it");
        Assert.False(ProcessTuning.IsNativeAllocatorTuned);

        Assert.True(ProcessTuning.TuneNativeAllocator());

        Assert.True(ProcessTuning.IsNativeAllocatorTuned);

        // Tiled scales have large buffers mapped one by one while they run (free heap memory left by
        // earlier tests may serve a few of the eight), and the tuning comes back after.
        using (NativeAllocator.ForTiledWork())
        {
            Assert.True(MappedForLargeTensor() >= 6L * LargeTensorFloats * sizeof(float), "during tiled work, 40 MB buffers are not mapped for themselves");
        }

        var mapped = MappedForLargeTensor();
        Assert.True(mapped < 1_000_000, $"{mapped} bytes were mapped for the tensors after tuning");
    }

    /// <summary>
    /// The bytes glibc mapped afresh for eight live 40 MB tensors. Eight, not one: a free region left
    /// in the heap by earlier tests can serve one or two of them whatever the policy, but not all.
    /// </summary>
    private static long MappedForLargeTensor()
    {
        // Tensors of earlier tests that are left to the finalizer would free their own mappings while
        // this is measured: let them go first.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var before = NativeHeap.MappedBytes();
        var tensors = new List<Tensor>();
        try
        {
            for (var i = 0; i < 8; i++)
            {
                var large = empty(LargeTensorFloats, ScalarType.Float32);
                large.fill_(1); // Touch it, so that it is really allocated.
                tensors.Add(large);
            }

            return NativeHeap.MappedBytes() - before;
        }
        finally
        {
            foreach (var tensor in tensors)
            {
                tensor.Dispose();
            }
        }
    }
}
