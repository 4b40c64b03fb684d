using System.Text.Json.Serialization;
using NeuralStyle.Web.Configuration;

namespace NeuralStyle.Web.Api;

/// <summary>
/// The server's limits, as the page reads them to set its controls' ranges, and how its CPU computes
/// bfloat16 (<c>native</c>, <c>emulated</c> or <c>unknown</c>, from <see cref="ComputeSupport.BFloat16"/>):
/// where it is emulated the page does not offer bfloat16, which would run about 30 times slower than float32.
/// </summary>
internal sealed record LimitsView(int MaxSize, int MaxIterations, int MaxStyles, long MaxUploadBytes, long MaxPixels, double AbandonAfterSeconds, double ResultLifetimeSeconds, [property: JsonPropertyName("bfloat16")] string BFloat16)
{
    public static LimitsView Of(WebAppOptions options) => new(
        options.MaxSize,
        options.MaxIterations,
        options.MaxStyles,
        options.MaxUploadBytes,
        options.MaxPixels,
        options.AbandonAfter.TotalSeconds,
        options.ResultLifetime.TotalSeconds,
        ComputeSupport.BFloat16(ComputeDevice.Cpu).ToString().ToLowerInvariant());
}
