using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using NeuralStyle.Web.Configuration;

namespace NeuralStyle.Web.Security;

/// <summary>
/// ASP.NET Core's rate limiter on job submissions: each client (<see cref="RequestOrigin.ClientOf"/>)
/// may submit <see cref="WebAppOptions.SubmitsPerMinute"/> jobs per minute (a fixed window); more are
/// refused at once with 429, a problem-details body and <c>Retry-After</c>.
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
            rejected.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            await Results.Problem(
                detail: $"This client has submitted {settings.SubmitsPerMinute} jobs in the last minute, the most it may; try again in {Math.Ceiling(retryAfter.TotalSeconds):0} s.",
                statusCode: StatusCodes.Status429TooManyRequests,
                title: "Too many submissions").ExecuteAsync(rejected.HttpContext);
        };
    });
}
