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

    public int Width { get; }

    public int Height { get; }

    /// <summary>Frames per second.</summary>
    public double FrameRate { get; }

    /// <summary>The bytes of one frame.</summary>
    public int Bytes => Width * Height * 3;
}
