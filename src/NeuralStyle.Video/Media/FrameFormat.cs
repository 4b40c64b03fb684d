namespace NeuralStyle.Video.Media;

/// <summary>The frames' size and rate, as they are piped to and from ffmpeg (raw RGB, 3 bytes a pixel).</summary>
internal sealed record FrameFormat
{
    public FrameFormat(int width, int height, double frameRate)
    {
        Guard.MustBePositive(width);
        Guard.MustBePositive(height);
        Guard.MustBeFiniteAndPositive(frameRate);
        (Width, Height, FrameRate) = (width, height, frameRate);
    }

    /// <summary>Frames of a clip of <paramref name="width"/> × <paramref name="height"/> scaled so that the longest side is about <paramref name="longestSide"/>, both sides even (yuv420p stores colours at half size).</summary>
    public static FrameFormat Fitted(int width, int height, int longestSide, double frameRate)
    {
        var scale = (double)longestSide / Math.Max(width, height);
        static int Even(double side) => Math.Max(2, (int)Math.Round(side / 2) * 2);
        return new FrameFormat(Even(width * scale), Even(height * scale), frameRate);
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Frames per second.</summary>
    public double FrameRate { get; }

    /// <summary>The bytes of one frame.</summary>
    public int Bytes => Width * Height * 3;
}
