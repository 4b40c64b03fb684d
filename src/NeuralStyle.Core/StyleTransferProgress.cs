namespace NeuralStyle;

/// <summary>Reported after every iteration of a run.</summary>
/// <param name="Iteration">The iteration just finished, from 1.</param>
/// <param name="TotalIterations">The iterations the run will make.</param>
/// <param name="Losses">The loss terms at this iteration.</param>
/// <param name="Elapsed">Time since the optimisation started (targets and loading excluded).</param>
/// <param name="EstimatedRemaining">Time left at the average pace so far.</param>
public sealed record StyleTransferProgress(int Iteration, int TotalIterations, LossTerms Losses, TimeSpan Elapsed, TimeSpan EstimatedRemaining)
{
    /// <summary>Iterations per second so far.</summary>
    public double IterationsPerSecond => Elapsed > TimeSpan.Zero ? Iteration / Elapsed.TotalSeconds : 0;
}
