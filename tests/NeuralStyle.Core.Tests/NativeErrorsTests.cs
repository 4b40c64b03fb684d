using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace NeuralStyle.Core.Tests;

/// <summary>libtorch's errors as the library reports them: typed, one line.</summary>
public class NativeErrorsTests
{
    [Fact]
    public void A_real_libtorch_allocation_failure_becomes_a_one_line_memory_error_with_the_size()
    {
        TorchRuntime.EnsureLoaded();
        const long floats = 1L << 48; // 1 PiB of float32: no machine's allocator grants it.

        var error = Assert.ThrowsAny<ExternalException>(() => empty(floats, ScalarType.Float32));
        Assert.True(NativeErrors.IsAllocationFailure(error), error.Message);
        var translated = NativeErrors.OutOfMemory(error, "a test tensor");

        Assert.Equal(floats * 4, translated.RequestedBytes);
        Assert.Contains("1048576 GiB", translated.Message); // 2^50 bytes / 2^30
        Assert.Contains("a test tensor", translated.Message);
        Assert.DoesNotContain('\n', translated.Message);
        Assert.Same(error, translated.InnerException);
    }
}
