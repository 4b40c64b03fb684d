using NeuralStyle.Imaging;
using static TorchSharp.torch;

namespace NeuralStyle;

/// <summary>Converts between <see cref="RgbImage"/> and the engine's tensors (float32 NCHW 1×3×H×W, RGB in [0, 1]).</summary>
public static class ImageTensors
{
    /// <summary>Makes a new 1×3×H×W float32 tensor from an image; the caller owns it.</summary>
    /// <param name="image">The image.</param>
    /// <param name="device">Where to put the tensor; the CPU when null.</param>
    public static Tensor ToTensor(RgbImage image, Device? device = null)
    {
        Guard.NotNull(image);
        TorchRuntime.EnsureLoaded();
        var cpu = tensor(image.ToTensorData(), [1, 3, image.Height, image.Width]);
        if (device is null || device.type == TorchSharp.DeviceType.CPU)
        {
            return cpu;
        }

        using (cpu)
        {
            return cpu.to(device);
        }
    }

    /// <summary>Makes an image from a 1×3×H×W (or 3×H×W) tensor, clipping to [0, 1].</summary>
    /// <exception cref="ArgumentException">The shape is wrong or the tensor holds NaN.</exception>
    public static RgbImage ToRgbImage(Tensor image)
    {
        Guard.NotNull(image);
        var shape = image.shape;
        var (height, width) = shape.Length switch
        {
            4 when shape[0] == 1 && shape[1] == 3 => (shape[2], shape[3]),
            3 when shape[0] == 3 => (shape[1], shape[2]),
            _ => throw new ArgumentException($"Expected a 1×3×H×W or 3×H×W image tensor but got [{string.Join(", ", shape)}].", nameof(image)),
        };

        using var scope = NewDisposeScope();
        var data = image.detach().to(float32).cpu().contiguous().data<float>().ToArray();
        return RgbImage.FromTensorData(data, (int)width, (int)height);
    }
}
