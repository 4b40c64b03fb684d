namespace NeuralStyle;

/// <summary>Progress of a VGG19 weights download.</summary>
/// <param name="BytesReceived">Bytes received so far.</param>
/// <param name="TotalBytes">The full size, when the server said it.</param>
public readonly record struct WeightsDownloadProgress(long BytesReceived, long? TotalBytes);
