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
        foreach (var name in JobSettings.Names)
        {
            properties[name] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "As the CLI's option of the same name (see neural-style --help)." };
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
