namespace NeuralStyle.Imaging;

/// <summary>
/// Separable Lanczos-3 resampling of interleaved RGB bytes. When shrinking, the kernel is widened by
/// the scale factor so every source pixel contributes (area-correct, no aliasing), as Pillow does.
/// </summary>
internal static class LanczosResampler
{
    private const int Lobes = 3;

    public static byte[] Resize(byte[] rgb, int width, int height, int newWidth, int newHeight)
    {
        // Horizontal pass: height rows of width pixels resampled to newWidth, kept in float.
        var horizontal = new float[height * newWidth * 3];
        var columns = ComputeWeights(width, newWidth);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < newWidth; x++)
            {
                var (first, weights) = columns[x];
                float r = 0, g = 0, b = 0;
                for (var k = 0; k < weights.Length; k++)
                {
                    var s = ((y * width) + first + k) * 3;
                    r += weights[k] * rgb[s];
                    g += weights[k] * rgb[s + 1];
                    b += weights[k] * rgb[s + 2];
                }

                var d = ((y * newWidth) + x) * 3;
                horizontal[d] = r;
                horizontal[d + 1] = g;
                horizontal[d + 2] = b;
            }
        }

        // Vertical pass: height resampled to newHeight, rounded and clamped to bytes.
        var result = new byte[newWidth * newHeight * 3];
        var rows = ComputeWeights(height, newHeight);
        for (var y = 0; y < newHeight; y++)
        {
            var (first, weights) = rows[y];
            for (var x = 0; x < newWidth * 3; x++)
            {
                float v = 0;
                for (var k = 0; k < weights.Length; k++)
                {
                    v += weights[k] * horizontal[((first + k) * newWidth * 3) + x];
                }

                result[(y * newWidth * 3) + x] = (byte)Math.Clamp(MathF.Round(v), 0, 255);
            }
        }

        return result;
    }

    /// <summary>For each output index: the first contributing source index and the normalised weights.</summary>
    private static (int First, float[] Weights)[] ComputeWeights(int sourceSize, int targetSize)
    {
        var scale = (double)sourceSize / targetSize;
        var filterScale = Math.Max(scale, 1.0);
        var support = Lobes * filterScale;
        var result = new (int, float[])[targetSize];
        for (var i = 0; i < targetSize; i++)
        {
            var center = (i + 0.5) * scale;
            var first = Math.Max(0, (int)Math.Floor(center - support));
            var last = Math.Min(sourceSize - 1, (int)Math.Ceiling(center + support));
            var weights = new double[last - first + 1];
            double total = 0;
            for (var j = first; j <= last; j++)
            {
                var w = Lanczos(((j + 0.5) - center) / filterScale);
                weights[j - first] = w;
                total += w;
            }

            result[i] = (first, weights.Select(w => (float)(w / total)).ToArray());
        }

        return result;
    }

    private static double Lanczos(double x)
    {
        if (x == 0)
        {
            return 1;
        }

        if (Math.Abs(x) >= Lobes)
        {
            return 0;
        }

        var px = Math.PI * x;
        return Lobes * Math.Sin(px) * Math.Sin(px / Lobes) / (px * px);
    }
}
