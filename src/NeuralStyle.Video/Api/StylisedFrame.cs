using NeuralStyle.Imaging;

namespace NeuralStyle.Video;

/// <summary>One finished frame of a video run.</summary>
/// <param name="Index">The frame's place in the clip, from 0.</param>
/// <param name="Image">The stylised frame.</param>
/// <param name="Result">The frame's optimisation (losses and times); null for a frame painted by a trained style or kept by an earlier run.</param>
/// <param name="FromEarlierRun">Whether an earlier, interrupted run had finished and kept the frame, so that this run only read it back.</param>
public sealed record StylisedFrame(int Index, RgbImage Image, StyleTransferResult? Result, bool FromEarlierRun);
