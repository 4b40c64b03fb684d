namespace NeuralStyle.Video.Media;

/// <summary>A video could not be read or written, or ffmpeg is missing; the message says what to do.</summary>
internal sealed class VideoException(string message, Exception? innerException = null) : NeuralStyleException(message, innerException);
