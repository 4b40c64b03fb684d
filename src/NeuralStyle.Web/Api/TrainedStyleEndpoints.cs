using System.Globalization;
using Microsoft.Extensions.Options;
using NeuralStyle.Imaging;
using NeuralStyle.Web.Configuration;
using NeuralStyle.Web.Security;
using NeuralStyle.Web.TrainedStyles;
using NeuralStyle.Web.Uploads;

namespace NeuralStyle.Web.Api;

/// <summary>
/// The trained styles: <c>GET /api/styles</c> lists them; <c>GET /api/styles/{id}/model</c> is the
/// ONNX model (the page runs it in the browser); <c>POST /api/styles/{id}/apply</c> stylises a photo
/// on the server in one pass and answers the PNG. The upload goes through the same limits as a job's.
/// </summary>
internal static class TrainedStyleEndpoints
{
    /// <summary>The one setting a trained style takes: the output's longest side.</summary>
    private const string SizeField = "size";

    public static void MapTrainedStyleEndpoints(this IEndpointRouteBuilder app)
    {
        var styles = app.MapGroup("/api/styles").WithTags("Trained styles");

        styles.MapGet("/", (TrainedStyleCatalogue catalogue) => TypedResults.Ok(catalogue.Styles.Select(View).ToArray()))
            .WithName("GetTrainedStyles")
            .WithSummary("The trained styles this server offers (each applies in one pass, in about a second)");

        styles.MapGet("/{id}/model", (string id, TrainedStyleCatalogue catalogue) => catalogue.Find(id) is { } style
                ? Results.File(style.FilePath, "application/octet-stream", style.Id + ".onnx")
                : NotFound())
            .WithName("GetTrainedStyleModel")
            .WithSummary("The trained style's ONNX model (input 'image' and output 'stylised': float32 1 × 3 × H × W, RGB in [0, 1], sides multiples of 4)")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .ProducesProblem(StatusCodes.Status404NotFound);

        styles.MapPost("/{id}/apply", ApplyAsync)
            .WithName("ApplyTrainedStyle")
            .WithSummary("Stylise a photo with a trained style")
            .WithDescription(
                "A multipart/form-data body: a file field 'content' (the photo) and optionally 'size', the output's longest side " +
                "(default and largest: the server's maximum size; a smaller photo keeps its size). Answers the PNG; " +
                "400, 403, 404, 408, 413, 415, 429 or 503 with a problem-details body when refused.")
            .Produces(StatusCodes.Status200OK, contentType: "image/png")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .RequireRateLimiting(SubmitRateLimit.Policy)
            .DisableAntiforgery();
    }

    private static TrainedStyleView View(TrainedStyle style) =>
        new(style.Id, style.Name, $"/api/styles/{style.Id}/model", style.FileBytes, $"/api/styles/{style.Id}/apply");

    private static async Task<IResult> ApplyAsync(string id, HttpContext context, TrainedStyleCatalogue catalogue, JobUploadReader uploads, IOptions<WebAppOptions> options)
    {
        if (catalogue.Find(id) is not { } style)
        {
            return NotFound();
        }

        try
        {
            var upload = await uploads.ReadAsync(context.Request, context.RequestAborted);
            using var memory = upload.Memory;
            var size = CheckedOutputSize(upload, options.Value.MaxSize);
            var photo = upload.Content.ResizeToFit(size);
            var stylised = await style.Model.ApplyAsync(photo, context.RequestAborted);
            return TypedResults.Bytes(stylised.Encode(ImageFormat.Png), "image/png");
        }
        catch (RequestRefusedException ex)
        {
            return ex.ToResult(context);
        }
        catch (Exception ex) when (context.RequestAborted.IsCancellationRequested && ex is OperationCanceledException or IOException or BadHttpRequestException)
        {
            return Results.Empty; // The client went away: no one is there to answer.
        }
    }

    /// <summary>
    /// Checks that the form holds a photo and no setting but <c>size</c>, and returns the output's
    /// longest side: the form's <c>size</c>, or the server's maximum.
    /// </summary>
    private static int CheckedOutputSize(JobUpload upload, int maxSize)
    {
        if (upload.Styles.Count > 0)
        {
            throw new RequestRefusedException(StatusCodes.Status400BadRequest, "No style images here", "A trained style takes only a photo (file field 'content'); send artworks to /api/jobs.", JobUploadReader.StylesField);
        }

        if (upload.Settings.Keys.FirstOrDefault(k => !k.Equals(SizeField, StringComparison.OrdinalIgnoreCase)) is { } unknown)
        {
            throw new RequestRefusedException(StatusCodes.Status400BadRequest, "Unknown setting", $"'{OptionValues.Shown(unknown)}' is not a setting of a trained style; its one setting is 'size'.", unknown);
        }

        if (!upload.Settings.TryGetValue(SizeField, out var text) || text.Length == 0)
        {
            return maxSize;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size >= 16 && size <= maxSize
            ? size
            : throw new RequestRefusedException(StatusCodes.Status400BadRequest, "Invalid setting", $"size must be a whole number between 16 and {maxSize}; it was '{OptionValues.Shown(text)}'.", SizeField);
    }

    private static IResult NotFound() => TypedResults.Problem(
        detail: "There is no trained style with this id; GET /api/styles lists them.",
        statusCode: StatusCodes.Status404NotFound,
        title: "No such style");
}
