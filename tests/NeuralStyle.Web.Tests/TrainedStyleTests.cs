using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using NeuralStyle.Imaging;
using NeuralStyle.Tests;

namespace NeuralStyle.Web.Tests;

/// <summary>
/// The trained styles' API: the folder's models listed and served; a photo applied on the server in one
/// pass (with a model that returns its input, so the answer is known exactly); and the refusals.
/// </summary>
public sealed class TrainedStyleTests : IDisposable
{
    private readonly string _styles = Directory.CreateTempSubdirectory("neuralstyle-styles-").FullName;

    public TrainedStyleTests()
    {
        File.WriteAllBytes(Path.Combine(_styles, "same-picture.onnx"), TestModels.Identity());
        File.WriteAllText(Path.Combine(_styles, "broken.onnx"), "not a model");
        File.WriteAllBytes(Path.Combine(_styles, "a name with spaces.onnx"), TestModels.Identity());
        File.WriteAllBytes(Path.Combine(_styles, "notes.txt"), [1, 2, 3]);
    }

    [SkippableFact]
    public async Task The_folders_trained_styles_are_listed_and_their_models_served()
    {
        using var factory = Factory();
        using var client = factory.CreateClient();

        var listed = JsonDocument.Parse(await client.GetStringAsync("/api/styles")).RootElement;
        var style = Assert.Single(listed.EnumerateArray()); // the broken model, the bad name and the text file are left out
        Assert.Equal("same-picture", style.GetProperty("id").GetString());
        Assert.Equal("Same picture", style.GetProperty("name").GetString());
        Assert.Equal(TestModels.Identity().Length, style.GetProperty("modelBytes").GetInt64());

        var model = await client.GetByteArrayAsync(style.GetProperty("modelUrl").GetString());
        Assert.Equal(TestModels.Identity(), model);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/styles/broken/model")).StatusCode);
    }

    [SkippableFact]
    public async Task A_photo_applied_on_the_server_comes_back_stylised_at_its_size_or_the_asked_one()
    {
        using var factory = Factory();
        using var client = factory.CreateClient();
        var photo = RgbImage.Load(TestImages.ContentPng); // 96 × 64

        var whole = await client.PostAsync("/api/styles/same-picture/apply", Form(TestImages.ContentPng));
        var smaller = await client.PostAsync("/api/styles/same-picture/apply", Form(TestImages.ContentPng, ("size", "30")));

        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal("image/png", whole.Content.Headers.ContentType?.MediaType);
        var result = RgbImage.Load(await whole.Content.ReadAsByteArrayAsync());
        Assert.Equal(photo.Pixels.ToArray(), result.Pixels.ToArray()); // the model returns its input
        Assert.Equal(HttpStatusCode.OK, smaller.StatusCode);
        var small = RgbImage.Load(await smaller.Content.ReadAsByteArrayAsync());
        var fitted = photo.ResizeToFit(30); // 30 × 20: 30 is not a multiple of 4, so the model sees a padded picture
        Assert.Equal((fitted.Width, fitted.Height), (small.Width, small.Height));
        Assert.Equal(fitted.Pixels.ToArray(), small.Pixels.ToArray()); // padding and its removal lose nothing
    }

    [SkippableTheory]
    [InlineData("/api/styles/no-such-style/apply", "content", "", "", 404)]
    [InlineData("/api/styles/same-picture/apply", "styles", "", "", 400)] // no photo
    [InlineData("/api/styles/same-picture/apply", "content,styles", "", "", 400)] // an artwork as well

    [InlineData("/api/styles/same-picture/apply", "content", "size", "5000", 400)]
    [InlineData("/api/styles/same-picture/apply", "content", "size", "abc", 400)]
    [InlineData("/api/styles/same-picture/apply", "content", "iterations", "5", 400)]
    public async Task Refusals_say_what_to_do(string url, string fileFields, string setting, string value, int status)
    {
        using var factory = Factory();
        using var client = factory.CreateClient();
        using var form = new MultipartFormDataContent();
        foreach (var field in fileFields.Split(','))
        {
            var file = new ByteArrayContent(TestImages.ContentPng);
            file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            form.Add(file, field, "photo.png");
        }

        if (setting.Length > 0)
        {
            form.Add(new StringContent(value), setting);
        }

        var response = await client.PostAsync(url, form);

        Assert.Equal(status, (int)response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
    }

    public void Dispose() => Directory.Delete(_styles, recursive: true);

    private WebAppFactory Factory() => new(new Dictionary<string, string> { ["TrainedStylesFolder"] = _styles });

    private static MultipartFormDataContent Form(byte[] photo, params (string Name, string Value)[] settings)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(photo);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "content", "photo.png");
        foreach (var (name, value) in settings)
        {
            form.Add(new StringContent(value), name);
        }

        return form;
    }
}
