using NeuralStyle.Imaging;

namespace NeuralStyle;

/// <summary>One training step's report.</summary>
/// <param name="Step">The step just taken, from 1.</param>
/// <param name="Steps">The steps in all.</param>
/// <param name="Losses">The step's loss terms (on its batch of crops).</param>
/// <param name="Elapsed">The time since this run (or its resumption) began.</param>
/// <param name="EstimatedRemaining">The time the remaining steps are expected to take, at this run's pace so far.</param>
/// <param name="Previews">The preview photos stylised by the network as it is now, every <see cref="StyleTrainingOptions.PreviewInterval"/> steps; empty otherwise.</param>
public sealed record StyleTrainingProgress(int Step, int Steps, LossTerms Losses, TimeSpan Elapsed, TimeSpan EstimatedRemaining, IReadOnlyList<RgbImage> Previews);
