using NeuralStyle.Web.Configuration;

namespace NeuralStyle.Web.Api;

/// <summary>The server's limits, as the page reads them to set its controls' ranges.</summary>
internal sealed record LimitsView(int MaxSize, int MaxIterations, int MaxStyles, long MaxUploadBytes, long MaxPixels, double AbandonAfterSeconds, double ResultLifetimeSeconds)
{
    public static LimitsView Of(WebAppOptions options) => new(
        options.MaxSize,
        options.MaxIterations,
        options.MaxStyles,
        options.MaxUploadBytes,
        options.MaxPixels,
        options.AbandonAfter.TotalSeconds,
        options.ResultLifetime.TotalSeconds);
}
