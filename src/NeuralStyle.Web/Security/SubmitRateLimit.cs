using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using NeuralStyle.Web.Api;
using NeuralStyle.Web.Configuration;

namespace NeuralStyle.Web.Security;

/// <summary>
/// The limit on job submissions: each client (<see cref="RequestOrigin.ClientOf"/>) may submit
/// <see cref="WebAppOptions.SubmitsPerMinute"/> jobs per minute, counted twice: by ASP.NET Core's rate
/// limiter on every request to this front end (a fixed window: a flood is refused before its upload is
/// read), and by the job store over the whole deployment (accepted jobs in the last minute, whichever
/// front end took them). More are refused with 429, a problem-details body and <c>Retry-After</c>.
/// </summary>
internal static class SubmitRateLimit
{
    /// <summary>The policy's name, for <c>RequireRateLimiting</c>.</summary>
    public const string Policy = "submit";

    public static IServiceCollection AddSubmitRateLimit(this IServiceCollection services, WebAppOptions settings) => services.AddRateLimiter(limiter =>
    {
        limiter.AddPolicy(Policy, context => RateLimitPartition.GetFixedWindowLimiter(
            RequestOrigin.ClientOf(context),
            _ => new FixedWindowRateLimiterOptions { PermitLimit = settings.SubmitsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        limiter.OnRejected = async (rejected, cancellationToken) =>
        {
            var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
            await Refusal(settings.SubmitsPerMinute, retryAfter).ToResult(rejected.HttpContext).ExecuteAsync(rejected.HttpContext);
        };
    });

    /// <summary>The refusal of a submission over the limit, to be tried again after <paramref name="retryAfter"/>.</summary>
    public static RequestRefusedException Refusal(int submitsPerMinute, TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds));
        return new RequestRefusedException(
            StatusCodes.Status429TooManyRequests,
            "Too many submissions",
            $"This client has submitted {submitsPerMinute} jobs in the last minute, the most it may; try again in {seconds:0} s.")
        {
            RetryAfter = TimeSpan.FromSeconds(seconds),
        };
    }
}
