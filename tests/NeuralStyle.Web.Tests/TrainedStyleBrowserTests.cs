using System.Text.Json;
using NeuralStyle.Imaging;
using OpenQA.Selenium;

namespace NeuralStyle.Web.Tests;

/// <summary>
/// The shipped trained styles on the page, in a real headless Chromium: offered by default; a photo
/// stylised by the server, then by onnxruntime-web in the browser with no request to the server's
/// apply endpoint; and the two pictures agree (the same network on two runtimes, float32 both).
/// </summary>
public sealed class TrainedStyleBrowserTests : IDisposable
{
    private static readonly string ScreenshotFolder = Environment.GetEnvironmentVariable("NEURALSTYLE_WEB_SCREENSHOTS")
        ?? Path.Combine(AppContext.BaseDirectory, "screenshots");

    private readonly string _folder = Directory.CreateTempSubdirectory("neuralstyle-trained-page-").FullName;

    [SkippableFact]
    public async Task The_shipped_styles_are_offered_by_default()
    {
        using var factory = new WebAppFactory();
        using var client = factory.CreateClient();

        var listed = JsonDocument.Parse(await client.GetStringAsync("/api/styles")).RootElement.EnumerateArray().Select(s => s.GetProperty("id").GetString()).ToArray();

        Assert.True(listed.Length >= 3, $"shipped styles: {string.Join(", ", listed)}");
        Assert.Contains("starry-night", listed);
    }

    [SkippableFact]
    public void A_trained_style_runs_on_the_server_and_in_the_browser_with_the_same_picture()
    {
        var images = TestEnvironment.RequireImages();

        // A PNG photo smaller than the size asked for, so that neither side resizes or decodes a JPEG its own way.
        var photo = RgbImage.Load(Path.Combine(images, "tubingen.jpg")).ResizeToFit(202);
        var photoPath = Path.Combine(_folder, "tubingen-small.png");
        photo.Save(photoPath);

        using var factory = new WebAppFactory();
        var site = factory.StartKestrel();
        using var browser = Browser.Start();
        browser.Driver.Navigate().GoToUrl(site);

        browser.Find("content-input").SendKeys(photoPath);
        browser.WaitUntil(() => browser.Driver.FindElements(By.CssSelector(".trained-style[data-id='starry-night']")).Count == 1, TimeSpan.FromSeconds(10), "the trained styles");
        browser.Driver.FindElement(By.CssSelector(".trained-style[data-id='starry-night']")).Click();
        Assert.Equal("true", browser.Driver.FindElement(By.CssSelector(".trained-style[data-id='starry-night']")).GetAttribute("aria-pressed"));
        Assert.False(browser.Find("iterations").Displayed); // the optimisation's settings mean nothing to a trained style
        Assert.True(browser.Find("run-where").Displayed);
        browser.Screenshot(Path.Combine(ScreenshotFolder, "web-trained.jpg"));

        var onServer = Run(browser, "server");
        browser.Find("again").Click();
        browser.Script("performance.clearResourceTimings()");
        var inBrowser = Run(browser, "browser");
        browser.Screenshot(Path.Combine(ScreenshotFolder, "web-trained-done.jpg"));

        // In the browser the server only served the model: it was never asked to apply it.
        var requests = ((IEnumerable<object>)browser.Script("return performance.getEntriesByType('resource').map(e => e.name)")!).Cast<string>().ToArray();
        Assert.Contains(requests, r => r.EndsWith("/api/styles/starry-night/model", StringComparison.Ordinal));
        Assert.DoesNotContain(requests, r => r.Contains("/apply", StringComparison.Ordinal));

        // Both are the photo's size, both are stylised (far from the photo), and they agree.
        Assert.Equal((photo.Width, photo.Height), (onServer.Width, onServer.Height));
        Assert.Equal((photo.Width, photo.Height), (inBrowser.Width, inBrowser.Height));
        Assert.True(MeanDifference(onServer, photo) > 20, $"the server's picture is {MeanDifference(onServer, photo):F1} levels from the photo on average");
        var (mean, max) = (MeanDifference(onServer, inBrowser), MaxDifference(onServer, inBrowser));
        Assert.True(max <= 2 && mean < 0.05, $"server and browser differ by {mean:F4} levels on average, {max} at most");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Starts the chosen style where asked and returns the picture the page shows.</summary>
    private static RgbImage Run(Browser browser, string where)
    {
        browser.Script("const s = document.getElementById('run-where'); s.value = arguments[0]; s.dispatchEvent(new Event('change'));", where);
        browser.Find("start").Click();
        browser.WaitUntil(() => browser.Find("done").Displayed && browser.Find("result").GetAttribute("data-where") == where, TimeSpan.FromSeconds(60), $"the picture made {where}");
        browser.WaitUntil(() => Convert.ToInt64(browser.Script("return document.getElementById('result').naturalWidth"), System.Globalization.CultureInfo.InvariantCulture) > 0, TimeSpan.FromSeconds(10), "the picture to load");
        // Read back through a canvas (lossless PNG): the page's content security policy keeps fetch() off blob: URLs.
        var base64 = (string)browser.Script("""
            const img = document.getElementById('result');
            const canvas = document.createElement('canvas');
            canvas.width = img.naturalWidth;
            canvas.height = img.naturalHeight;
            canvas.getContext('2d').drawImage(img, 0, 0);
            return canvas.toDataURL('image/png').split(',')[1];
            """)!;
        return RgbImage.Load(Convert.FromBase64String(base64));
    }

    private static double MeanDifference(RgbImage a, RgbImage b)
    {
        long sum = 0;
        for (var i = 0; i < a.Pixels.Length; i++)
        {
            sum += Math.Abs(a.Pixels[i] - b.Pixels[i]);
        }

        return (double)sum / a.Pixels.Length;
    }

    private static int MaxDifference(RgbImage a, RgbImage b)
    {
        var max = 0;
        for (var i = 0; i < a.Pixels.Length; i++)
        {
            max = Math.Max(max, Math.Abs(a.Pixels[i] - b.Pixels[i]));
        }

        return max;
    }
}
