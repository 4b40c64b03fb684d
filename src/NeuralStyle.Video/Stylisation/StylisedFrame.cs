namespace NeuralStyle.Video.Stylisation;

/// <summary>One finished frame.</summary>
/// <param name="Index">The frame's place in the clip, from 0.</param>
/// <param name="Result">The frame's run: its picture, losses and times.</param>
internal sealed record StylisedFrame(int Index, StyleTransferResult Result);
