using NeuralStyle.Imaging;

namespace NeuralStyle.Video.Stylisation;

/// <summary>One finished frame.</summary>
/// <param name="Index">The frame's place in the clip, from 0.</param>
/// <param name="Image">The stylised frame.</param>
/// <param name="Result">The frame's run (losses and times), or null for a frame kept by an earlier run.</param>
internal sealed record StylisedFrame(int Index, RgbImage Image, StyleTransferResult? Result);
