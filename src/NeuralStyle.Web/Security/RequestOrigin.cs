using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using NeuralStyle.Web.Configuration;

namespace NeuralStyle.Web.Security;

/// <summary>
/// Who a request comes from, and whether it may change anything. A request that changes state
/// (POST, PUT, PATCH, DELETE) from a page of another site is refused (403): browsers send an
/// <c>Origin</c> header that page cannot forge, so a form or script elsewhere cannot start or
/// cancel jobs here (cross-site request forgery). Scripts send no <c>Origin</c> and pass. With
/// <see cref="WebAppOptions.ApiKeys"/> set, an <c>X-Api-Key</c> header must name one of them (401
/// otherwise), and the key, not the address, is the client the limits count.
/// </summary>
internal static class RequestOrigin
{
    /// <summary>The header scripts send their API key in.</summary>
    public const string ApiKeyHeader = "X-Api-Key";

    /// <summary>Who a request comes from, for the per-client limits: its API key (hashed), else the connection's address.</summary>
    public static string ClientOf(HttpContext context) =>
        context.Request.Headers[ApiKeyHeader] is { Count: 1 } key && !string.IsNullOrEmpty(key[0])
            ? "key:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key[0]!)))[..16]
            : context.Connection.RemoteIpAddress?.ToString() ?? "local";

    public static IApplicationBuilder UseRequestOriginCheck(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method))
        {
            await next(context);
            return;
        }

        if (request.Headers.Origin is { Count: > 0 } origin && !IsSameOrigin(origin[0], request))
        {
            await RefuseAsync(context, StatusCodes.Status403Forbidden, "Cross-site request", "This server takes jobs from its own page and from scripts, not from pages of other sites.");
            return;
        }

        var keys = context.RequestServices.GetRequiredService<IOptions<WebAppOptions>>().Value.ApiKeys;
        if (request.Headers[ApiKeyHeader] is { Count: > 0 } given && !keys.Any(k => FixedTimeEquals(k, given[0])))
        {
            await RefuseAsync(context, StatusCodes.Status401Unauthorized, "Unknown API key", $"The {ApiKeyHeader} header names no key this server knows; check the key, or send none.");
            return;
        }

        await next(context);
    });

    /// <summary>Whether <paramref name="origin"/> is the scheme, host and port the request was sent to.</summary>
    private static bool IsSameOrigin(string? origin, HttpRequest request) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);

    private static bool FixedTimeEquals(string expected, string? given) =>
        given is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(given));

    private static Task RefuseAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        return Results.Problem(detail: detail, statusCode: status, title: title).ExecuteAsync(context);
    }
}
