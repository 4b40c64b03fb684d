namespace NeuralStyle.Web.Security;

/// <summary>
/// Headers on every response that a page people open needs: no content-type sniffing, no framing by
/// other sites (clickjacking), a content security policy that lets the page load only its own
/// scripts, styles and images (and the blob: URLs it makes for previews of chosen files) and compile
/// WebAssembly (onnxruntime-web, served by the app, for trained styles run in the browser), and no
/// referrer sent to other sites.
/// </summary>
internal static class SecurityHeaders
{
    /// <summary>The content security policy: the app's own files only; nothing may frame it.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers["Referrer-Policy"] = "no-referrer";
            return Task.CompletedTask;
        });
        await next(context);
    });
}
