namespace NeuralStyle.Video.Stylisation;

/// <summary>What a video run does beyond a still's options.</summary>
/// <param name="Still">The still's options (styles, weights, precision, colours…); content, output size and paths are set per frame.</param>
/// <param name="FirstFrameIterations">Iterations of the first frame, which starts cold (coarse to fine, as a still).</param>
/// <param name="LaterFrameIterations">Iterations of each later frame, which starts from the previous result warped onto it (one scale).</param>
/// <param name="TemporalWeight">The weight of the temporal term that holds a frame to the warped previous result where the flow is reliable; 0 for none.</param>
internal sealed record VideoStyleSettings(StyleTransferOptions Still, int FirstFrameIterations, int LaterFrameIterations, double TemporalWeight);
