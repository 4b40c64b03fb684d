using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using NeuralStyle.Web.Uploads;

namespace NeuralStyle.Web.Api;

/// <summary>
/// Describes <c>POST /api/jobs</c> in the OpenAPI document: its form's file fields and settings,
/// the <c>Location</c> of a started job, and when to retry a refusal that passes.
/// (The endpoint reads the form itself, within its limits, so the framework cannot infer it; and an
/// Accepts declaration would make the framework refuse other bodies without a useful message.)
/// </summary>
internal static class JobFormDocumentation
{
    public static Task DescribeAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var properties = new Dictionary<string, IOpenApiSchema>
        {
            [JobUploadReader.ContentField] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary", Description = "The photo (PNG, JPEG, WebP, GIF or BMP)." },
            [JobUploadReader.StylesField] = new OpenApiSchema
            {
                Type = JsonSchemaType.Array,
                Items = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" },
                Description = "The artworks, one or more.",
            },
        };
        foreach (var option in context.ApplicationServices.GetRequiredService<JobSettings>().Options)
        {
            var values = option.ValueName is { } written ? $" Written as {written}." : string.Empty;
            var defaultText = option.DefaultText is { } shown ? $" Default: {shown}." : string.Empty;
            properties[option.FieldName] = new OpenApiSchema
            {
                // Form values are text; N and X say what text (the server parses them as the tool does).
                Type = option.ValueName switch { "N" => JsonSchemaType.Integer, "X" => JsonSchemaType.Number, _ => JsonSchemaType.String },
                Description = $"{char.ToUpperInvariant(option.Description[0])}{option.Description[1..]}.{values}{defaultText} The tool's --{option.Name}.",
            };
        }

        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["multipart/form-data"] = new()
                {
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Required = new HashSet<string> { JobUploadReader.ContentField, JobUploadReader.StylesField },
                        Properties = properties,
                    },
                },
            },
        };
        if (operation.Responses?.TryGetValue(StatusCodes.Status202Accepted.ToString(System.Globalization.CultureInfo.InvariantCulture), out var accepted) == true
            && accepted is OpenApiResponse response)
        {
            response.Headers ??= new Dictionary<string, IOpenApiHeader>();
            response.Headers["Location"] = new OpenApiHeader
            {
                Description = "The job's URL, /api/jobs/{id}.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri-reference" },
            };
        }

        foreach (var (status, retrying) in operation.Responses ?? new OpenApiResponses())
        {
            if (status is "429" or "503" && retrying is OpenApiResponse refusal)
            {
                refusal.Headers ??= new Dictionary<string, IOpenApiHeader>();
                refusal.Headers["Retry-After"] = new OpenApiHeader { Description = "Seconds to wait before trying again.", Schema = new OpenApiSchema { Type = JsonSchemaType.Integer } };
            }
        }

        return Task.CompletedTask;
    }
}
