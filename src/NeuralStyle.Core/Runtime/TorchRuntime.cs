using TorchSharp;

namespace NeuralStyle;

/// <summary>Loads libtorch once and turns a failure into <see cref="NativeBackendException"/> with advice.</summary>
internal static class TorchRuntime
{
    private static readonly Lazy<Exception?> LoadFailure = new(TryLoad, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Makes sure libtorch is loaded; throws <see cref="NativeBackendException"/> if it cannot be.</summary>
    public static void EnsureLoaded()
    {
        if (LoadFailure.Value is { } failure)
        {
            throw new NativeBackendException(
                "TorchSharp could not load its native backend (libtorch). Reference a libtorch package from your app: " +
                "libtorch-cpu-linux-x64, libtorch-cpu-win-x64 or libtorch-cpu-osx-arm64 for the CPU (or libtorch-cpu for all of them, " +
                "or a libtorch-cuda package for NVIDIA GPUs), matching TorchSharp's libtorch version. On Linux with a libstdc++ older " +
                "than GCC 13 (Debian 12, Ubuntu 22.04), NeuralStyle.Core's build step must have run on the copy of libLibTorchSharp.so " +
                $"in your output (it does unless NeuralStyleWeakenGlibcxxNeed is false). Underlying error: {Innermost(failure).Message}",
                failure);
        }
    }

    /// <summary>The device to compute on; throws <see cref="NativeBackendException"/> if CUDA is asked for and absent.</summary>
    public static torch.Device ResolveDevice(ComputeDevice device)
    {
        EnsureLoaded();
        if (device == ComputeDevice.Cpu)
        {
            return torch.CPU;
        }

        if (!torch.TryInitializeDeviceType(DeviceType.CUDA))
        {
            throw new NativeBackendException(
                "CUDA was requested, but the libtorch in this process is a CPU-only build. Reference libtorch-cuda-12.8-linux-x64 or " +
                "libtorch-cuda-12.8-win-x64 (libtorch 2.10.0, as TorchSharp 0.107.0 needs) instead of a libtorch-cpu package, or use " +
                "ComputeDevice.Cpu. The neural-style tool bundles the CPU build and cannot use CUDA (docs/gpu.md).");
        }

        if (!torch.cuda.is_available())
        {
            throw new NativeBackendException(
                "CUDA was requested and libtorch has CUDA support, but no NVIDIA GPU or driver was found. Check the driver (nvidia-smi), or use ComputeDevice.Cpu.");
        }

        return torch.CUDA;
    }

    private static Exception? TryLoad()
    {
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
            return null;
        }
        catch (Exception ex) when (ex is TypeInitializationException or DllNotFoundException or NotSupportedException or BadImageFormatException or EntryPointNotFoundException)
        {
            return ex;
        }
    }

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex;
    }
}
