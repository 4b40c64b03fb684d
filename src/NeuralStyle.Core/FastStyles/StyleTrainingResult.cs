namespace NeuralStyle;

/// <summary>A finished training run.</summary>
/// <param name="Model">The trained style as ONNX bytes (what <see cref="StyleTrainingOptions.OutputPath"/> holds, when set): load it with NeuralStyle.FastStyles' <c>FastStyleModel.Load</c>.</param>
/// <param name="OutputPath">Where the model was written, or null.</param>
/// <param name="FinalLosses">The last step's loss terms.</param>
/// <param name="Elapsed">The time this run (or its resumption) took.</param>
/// <param name="SkippedPhotos">Each photo that was not trained on, with why ("path: reason").</param>
public sealed record StyleTrainingResult(byte[] Model, string? OutputPath, LossTerms FinalLosses, TimeSpan Elapsed, IReadOnlyList<string> SkippedPhotos);
