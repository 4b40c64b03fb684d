using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using NeuralStyle.Web.Uploads;

namespace NeuralStyle.Web.Api;

/// <summary>
/// Describes <c>POST /api/jobs</c>'s form in the OpenAPI document: its file fields and settings.
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
                Type = JsonSchemaType.String,
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
        return Task.CompletedTask;
    }
}
