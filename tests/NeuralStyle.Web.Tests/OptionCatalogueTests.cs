using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NeuralStyle.Imaging.Tests;
using NeuralStyle.Web.Uploads;

namespace NeuralStyle.Web.Tests;

/// <summary>The job form's settings come from the run option catalogue the tool reads too: an option added there is a setting here.</summary>
public sealed class OptionCatalogueTests
{
    [SkippableFact]
    public async Task An_option_added_to_the_catalogue_is_a_setting_of_the_form_parsed_and_described_by_the_catalogue()
    {
        // The same fake option as the tool's test: it sets the output size to twice its value.
        var fake = new RunOption("fake-half-size", "half the output size", "N", null, OptionFronts.Both, null, (o, v, _) => o with { OutputSize = 2 * OptionValues.Int(v) });
        var catalogue = new RunOptionCatalogue([.. RunOptionCatalogue.Default.Entries, fake]);
        using var factory = new WebAppFactory(services: services => services.Replace(ServiceDescriptor.Singleton(new JobSettings(catalogue))));
        using var client = factory.CreateClient();

        // Its value parsed in the catalogue's words, under its field's name ...
        using var malformed = await client.PostAsync("/api/jobs", JobClient.Form(new Dictionary<string, string>(JobClient.Tiny) { ["fakeHalfSize"] = "big" }, TestImages.ContentPng));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("fakeHalfSize must be a whole number; it was 'big'.", (await JobClient.JsonAsync(malformed)).GetProperty("detail").GetString());

        // ... applied (1024 is the server's largest size: 2 × 600 is over it) ...
        using var applied = await client.PostAsync("/api/jobs", JobClient.Form(new Dictionary<string, string>(JobClient.Tiny) { ["fakeHalfSize"] = "600" }, TestImages.ContentPng));
        Assert.Equal(HttpStatusCode.BadRequest, applied.StatusCode);
        Assert.Equal("size must be at most 1024 on this server; it was 1200.", (await JobClient.JsonAsync(applied)).GetProperty("detail").GetString());

        // ... and described with the others.
        using var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        var post = document.RootElement.GetProperty("paths").GetProperty("/api/jobs").GetProperty("post");
        Assert.Contains("fakeHalfSize", post.GetProperty("description").GetString());
        var properties = post.GetProperty("requestBody").GetProperty("content").GetProperty("multipart/form-data").GetProperty("schema").GetProperty("properties");
        Assert.StartsWith("Half the output size.", properties.GetProperty("fakeHalfSize").GetProperty("description").GetString());
    }

    [SkippableFact]
    public async Task The_starting_weights_are_served_under_the_form_s_names()
    {
        using var factory = new WebAppFactory();
        using var client = factory.CreateClient();
        using var document = JsonDocument.Parse(await client.GetStringAsync("/api/weights"));

        // Every normalisation × statistic the form offers, with the weights bench --style-evidence tuned (docs/options.md).
        var weights = document.RootElement;
        Assert.Equal(["none", "style", "all"], weights.EnumerateObject().Select(p => p.Name));
        Assert.All(weights.EnumerateObject(), n => Assert.Equal(["gram", "wasserstein", "sliced-wasserstein"], n.Value.EnumerateObject().Select(p => p.Name)));
        Assert.Equal([1e4, 1e-2], Pair(weights, "none", "gram"));
        Assert.Equal([1e4, 2.07e3], Pair(weights, "none", "sliced-wasserstein"));
        Assert.Equal([1e4, 2.11e5], Pair(weights, "style", "wasserstein"));
        Assert.Equal([1.29e5, 4.31e5], Pair(weights, "all", "sliced-wasserstein"));

        static double[] Pair(JsonElement weights, string normalization, string statistic) =>
            [.. weights.GetProperty(normalization).GetProperty(statistic).EnumerateArray().Select(w => w.GetDouble())];
    }

    [SkippableFact]
    public async Task An_option_for_the_tool_only_is_no_setting_of_the_form()
    {
        using var factory = new WebAppFactory();
        using var client = factory.CreateClient();
        using var response = await client.PostAsync("/api/jobs", JobClient.Form(new Dictionary<string, string>(JobClient.Tiny) { ["checkpoint"] = "/tmp/x" }, TestImages.ContentPng));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("'checkpoint' is not a setting;", (await JobClient.JsonAsync(response)).GetProperty("detail").GetString());
    }
}
