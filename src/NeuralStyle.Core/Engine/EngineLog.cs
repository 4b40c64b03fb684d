using Microsoft.Extensions.Logging;

namespace NeuralStyle;

/// <summary>
/// The engine's log messages (source-generated, structured). Warning: a bfloat16 network loaded on a
/// CPU that emulates bfloat16; Information: a network loaded, a run finished, a bfloat16 scale goes
/// on in float32; Debug: a run started, a scale finished; nothing per iteration above Trace.
/// </summary>
internal static partial class EngineLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Loaded VGG19 ({Precision}, {Pooling} pooling) on {Device} from {WeightsPath} in {Milliseconds} ms")]
    public static partial void NetworkLoaded(ILogger logger, ComputePrecision precision, Pooling pooling, ComputeDevice device, string weightsPath, long milliseconds);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Style transfer started: {Content} with {StyleCount} style(s) at {OutputSize} px, seed {Seed}")]
    public static partial void RunStarted(ILogger logger, string content, int styleCount, int outputSize, int seed);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Style transfer finished: {Width} × {Height} px, {Iterations} iterations in {Seconds:F1} s, final loss {Loss:E3}, seed {Seed}")]
    public static partial void RunFinished(ILogger logger, int width, int height, int iterations, double seconds, double loss, int seed);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "Scale {Scale}/{ScaleCount} ({Width} × {Height} px) reached iteration {Iteration}, loss {Loss:E3}")]
    public static partial void ScaleFinished(ILogger logger, int scale, int scaleCount, int width, int height, int iteration, double loss);

    [LoggerMessage(EventId = 5, Level = LogLevel.Trace, Message = "Iteration {Iteration}/{TotalIterations}: loss {Loss:E3}")]
    public static partial void Iteration(ILogger logger, int iteration, int totalIterations, double loss);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "Scale {Scale}/{ScaleCount} ({Width} × {Height} px) stalled in bfloat16 at iteration {Iteration}; it finishes in float32")]
    public static partial void FinishingInFloat32(ILogger logger, int scale, int scaleCount, int width, int height, int iteration);

    [LoggerMessage(EventId = 9, Level = LogLevel.Information, Message = "Scale {Scale}/{ScaleCount} ({Width} × {Height} px) goes on with {Rule} from iteration {Iteration}, after {Previous}")]
    public static partial void RuleChanged(ILogger logger, int scale, int scaleCount, int width, int height, string rule, int iteration, string previous);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Scale {Scale}/{ScaleCount} ({Width} × {Height} px) runs in tiles with Adam: L-BFGS's curvature history would not fit in the memory limit beside tiles this large")]
    public static partial void TiledWithAdam(ILogger logger, int scale, int scaleCount, int width, int height);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "This CPU has no bfloat16 arithmetic (AVX-512 BF16 or AMX), so libtorch emulates it and a bfloat16 run is many times slower than a float32 one; use ComputePrecision.Float32")]
    public static partial void BFloat16Emulated(ILogger logger);

    [LoggerMessage(EventId = 6, Level = LogLevel.Debug, Message = "Style transfer waits for a slot: {Running} of {MaxConcurrentRuns} runs are computing")]
    public static partial void Waiting(ILogger logger, int running, int maxConcurrentRuns);
}
