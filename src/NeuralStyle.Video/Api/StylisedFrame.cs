using NeuralStyle.Imaging;

namespace NeuralStyle.Video;

/// <summary>One finished frame of a video run.</summary>
/// <param name="Index">The frame's place in the clip, from 0.</param>
/// <param name="Image">The stylised frame.</param>
/// <param name="Result">The frame's run (losses and times), or null for a frame an earlier run had kept.</param>
public sealed record StylisedFrame(int Index, RgbImage Image, StyleTransferResult? Result);
