using System.Runtime.InteropServices;
using NeuralStyle.Imaging;
using OpenCvSharp;
using static TorchSharp.torch;

namespace NeuralStyle.Video.Flow;

/// <summary>
/// Dense optical flow between two frames of one size, by OpenCV's Farnebäck method on their
/// luminance. The result is a float32 1×2×H×W tensor in pixels: for each pixel p of
/// <c>from</c>, channel 0 is the horizontal and channel 1 the vertical step to where p is in
/// <c>to</c>. (OpenCvSharp4 does not expose OpenCV's DIS flow; Farnebäck is its dense method.)
/// </summary>
internal static class OpticalFlow
{
    /// <summary>Checks, before any work, that OpenCV's native library loads.</summary>
    /// <exception cref="VideoException">It does not; the message says what to reference.</exception>
    public static void EnsureAvailable()
    {
        try
        {
            using var probe = new Mat(1, 1, MatType.CV_8UC1);
        }
        catch (Exception ex) when (ex is DllNotFoundException or TypeInitializationException or BadImageFormatException or EntryPointNotFoundException)
        {
            throw new VideoException(
                $"Video needs OpenCV's native library (OpenCvSharpExtern) for the optical flow, and it does not load on {RuntimeInformation.RuntimeIdentifier}: reference OpenCvSharp's runtime package for this platform (see docs/platforms.md).",
                ex);
        }
    }

    /// <summary>The flow from <paramref name="from"/> to <paramref name="to"/>; the caller owns the tensor.</summary>
    public static Tensor Between(RgbImage from, RgbImage to)
    {
        Guard.NotNull(from);
        Guard.NotNull(to);
        if (from.Width != to.Width || from.Height != to.Height)
        {
            Guard.ThrowArgument($"Frames of one clip must have one size; they were {from.Width} × {from.Height} and {to.Width} × {to.Height}.", nameof(to));
        }

        using var first = Luminance(from);
        using var second = Luminance(to);
        using var flow = new Mat();
        // OpenCV's documented starting point: a pyramid of halvings, 15 px windows, 3 iterations per
        // level, polynomials fitted over 5 px with σ 1.2. Levels grow with the frame so that motions of
        // a few percent of its width are still found at the coarsest level.
        var levels = Math.Clamp((int)Math.Log2(Math.Min(from.Width, from.Height) / 16.0), 1, 6);
        Cv2.CalcOpticalFlowFarneback(first, second, flow, pyrScale: 0.5, levels, winsize: 15, iterations: 3, polyN: 5, polySigma: 1.2, OpticalFlowFlags.None);

        var interleaved = new float[from.Width * from.Height * 2];
        Marshal.Copy(flow.Data, interleaved, 0, interleaved.Length); // H×W×2, continuous: OpenCV allocated it
        using var hwc = tensor(interleaved, [from.Height, from.Width, 2]);
        return hwc.permute(2, 0, 1).unsqueeze(0).contiguous();
    }

    private static Mat Luminance(RgbImage image)
    {
        using var rgb = new Mat(image.Height, image.Width, MatType.CV_8UC3);
        Marshal.Copy(image.Pixels.ToArray(), 0, rgb.Data, image.PixelCount * 3);
        var gray = new Mat();
        Cv2.CvtColor(rgb, gray, ColorConversionCodes.RGB2GRAY);
        return gray;
    }
}
