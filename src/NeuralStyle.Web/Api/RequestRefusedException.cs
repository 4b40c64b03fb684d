using System.Globalization;

namespace NeuralStyle.Web.Api;

/// <summary>
/// A request the app refuses: the status code, a title, and a one-line message that tells the user
/// what to do. The API answers it with a problem-details body; the page shows the message.
/// </summary>
internal sealed class RequestRefusedException : Exception
{
    public RequestRefusedException(int statusCode, string title, string message, string? field = null)
        : base(message)
    {
        StatusCode = statusCode;
        Title = title;
        Field = field;
    }

    /// <summary>The HTTP status code (4xx, or 503 when the server cannot take it now).</summary>
    public int StatusCode { get; }

    /// <summary>A short, fixed summary of the kind of refusal ("Invalid setting").</summary>
    public string Title { get; }

    /// <summary>When to try again (the <c>Retry-After</c> header), for a refusal that passes (429, 503).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>The form field at fault, when there is one.</summary>
    public string? Field { get; }

    /// <summary>
    /// The answer: a problem-details body, with <c>Retry-After</c> where the refusal passes, and the
    /// connection closed after a refused upload (408, 413), whose rest is not worth reading.
    /// </summary>
    public IResult ToResult(HttpContext context)
    {
        if (StatusCode is StatusCodes.Status408RequestTimeout or StatusCodes.Status413PayloadTooLarge)
        {
            context.Response.Headers.Connection = "close";
        }

        if (RetryAfter is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        return TypedResults.Problem(
            detail: Message,
            statusCode: StatusCode,
            title: Title,
            extensions: Field is null ? null : new Dictionary<string, object?> { ["field"] = Field });
    }
}
