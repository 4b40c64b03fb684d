using NeuralStyle.Imaging;
using OpenQA.Selenium;

namespace NeuralStyle.Web.Tests;

/// <summary>
/// The page in a real headless Chromium against the app on a real port: a user picks images,
/// starts, watches previews and the progress bar, downloads the result; cancels; sees errors.
/// The screenshots in docs/web.md come from here: set NEURALSTYLE_WEB_SCREENSHOTS to a folder to
/// keep them (by default they go to the test's output folder).
/// </summary>
public sealed class BrowserTests
{
    private static readonly string ScreenshotFolder = Environment.GetEnvironmentVariable("NEURALSTYLE_WEB_SCREENSHOTS")
        ?? Path.Combine(AppContext.BaseDirectory, "screenshots");

    [SkippableFact]
    public void A_user_picks_two_images_watches_the_picture_form_and_downloads_it()
    {
        var images = TestEnvironment.RequireImages();
        using var factory = new WebAppFactory(new Dictionary<string, string> { ["PreviewInterval"] = "3" });
        var site = factory.StartKestrel();
        using var browser = Browser.Start();
        browser.Driver.Navigate().GoToUrl(site);

        browser.Find("content-input").SendKeys(Path.Combine(images, "tubingen.jpg"));
        browser.Find("styles-input").SendKeys(Path.Combine(images, "starry_night.jpg"));
        browser.WaitUntil(() => browser.Driver.FindElements(By.CssSelector("#content-thumbs img, #styles-thumbs img")).Count == 2, TimeSpan.FromSeconds(10), "both thumbnails");
        SetValue(browser, "size", "256");
        SetValue(browser, "iterations", "30");
        SetValue(browser, "start-size", "128");
        browser.Screenshot(Path.Combine(ScreenshotFolder, "web-start.jpg"));

        // Every preview the page shows, and whether it loaded, recorded as it happens.
        browser.Script("""
            window.previews = [];
            const preview = document.getElementById('preview');
            preview.addEventListener('load', () => window.previews.push({ src: preview.getAttribute('src'), width: preview.naturalWidth }));
            """);
        browser.Find("start").Click();

        browser.WaitUntil(() => Number(browser.Script("return document.getElementById('progress').value")) >= 50, TimeSpan.FromMinutes(3), "the run to get going");
        browser.Screenshot(Path.Combine(ScreenshotFolder, "web-running.jpg"));
        browser.WaitUntil(() => browser.Find("done").Displayed, TimeSpan.FromMinutes(3), "the result");
        browser.Screenshot(Path.Combine(ScreenshotFolder, "web-done.jpg"));

        // At least two different previews were shown, each a decoded image.
        var previews = ((IEnumerable<object>)browser.Script("return window.previews.map(p => p.src + ' ' + p.width)")!).Cast<string>().ToArray();
        var loaded = previews.Where(p => !p.EndsWith(" 0", StringComparison.Ordinal)).Select(p => p.Split(' ')[0]).Distinct().ToArray();
        Assert.True(loaded.Length >= 2, $"previews shown: {string.Join(", ", previews)}");

        // The progress bar reached the end: the run's every iteration.
        var progress = browser.Find("progress");
        Assert.Equal(progress.GetAttribute("max"), progress.GetAttribute("value"));
        Assert.True(int.Parse(progress.GetAttribute("max")!, System.Globalization.CultureInfo.InvariantCulture) > 30);

        // The result is shown beside the inputs, and the download is a PNG of the asked size.
        Assert.Equal(2, browser.Driver.FindElements(By.CssSelector("#done-inputs img")).Count);
        Assert.True(Convert.ToInt64(browser.Script("return document.getElementById('result').naturalWidth"), System.Globalization.CultureInfo.InvariantCulture) == 256);
        browser.Find("download").Click();
        browser.WaitUntil(() => Directory.GetFiles(browser.Downloads, "*.png").Length == 1, TimeSpan.FromSeconds(30), "the download");
        var download = RgbImage.Load(Directory.GetFiles(browser.Downloads, "*.png")[0]);
        Assert.Equal(256, Math.Max(download.Width, download.Height));

        // The result is listed among this session's recent results.
        Assert.True(browser.Find("recent").Displayed);
        Assert.Single(browser.Driver.FindElements(By.CssSelector("#recent-list img")));

        // At phone width the page still fits: nothing wider than the screen, the result and then the form.
        browser.Driver.Manage().Window.Size = new System.Drawing.Size(390, 844);
        Assert.Equal(0, HorizontalOverflow(browser));
        browser.Screenshot(Path.Combine(ScreenshotFolder, "web-phone.jpg"));
        browser.Find("again").Click();
        browser.WaitUntil(() => browser.Find("job-form").Displayed, TimeSpan.FromSeconds(5), "the form");
        Assert.Equal(0, HorizontalOverflow(browser));
    }

    [SkippableFact]
    public void Cancel_stops_a_running_job()
    {
        using var factory = new WebAppFactory();
        var site = factory.StartKestrel();
        using var browser = Browser.Start();
        var files = WriteTestImages(browser.Downloads);
        browser.Driver.Navigate().GoToUrl(site);
        browser.Find("content-input").SendKeys(files.Content);

        // The style arrives by drag and drop: a drop event carrying the file, as a browser sends it.
        browser.Script(
            """
            const bytes = Uint8Array.from(atob(arguments[0]), c => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], 'art.png', { type: 'image/png' }));
            document.getElementById('styles-drop').dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
            """,
            Convert.ToBase64String(TestImages.StylePng));
        Assert.Single(browser.Driver.FindElements(By.CssSelector("#styles-thumbs img")));
        SetValue(browser, "size", "64");
        SetValue(browser, "start-size", "64");
        SetValue(browser, "iterations", "1000");
        browser.Find("start").Click();
        browser.WaitUntil(() => Number(browser.Script("return document.getElementById('progress').value")) >= 2, TimeSpan.FromMinutes(1), "the run to start");

        browser.Find("cancel").Click();
        browser.WaitUntil(() => browser.Find("error").Displayed, TimeSpan.FromSeconds(30), "the cancellation");
        Assert.Equal("Cancelled by the user.", browser.Find("error").Text);
        Assert.True(browser.Find("job-form").Displayed);
        Assert.False(browser.Find("done").Displayed);
        Assert.Equal(0, factory.Worker.RunningCount);
    }

    [SkippableFact]
    public void The_chosen_style_statistic_and_normalisation_are_sent_with_their_starting_style_weight_times_the_strength_and_run()
    {
        using var factory = new WebAppFactory();
        var site = factory.StartKestrel();
        using var browser = Browser.Start();
        var files = WriteTestImages(browser.Downloads);
        browser.Driver.Navigate().GoToUrl(site);
        browser.Find("content-input").SendKeys(files.Content);
        browser.Find("styles-input").SendKeys(files.Style);
        browser.WaitUntil(() => browser.Driver.FindElements(By.CssSelector("#content-thumbs img, #styles-thumbs img")).Count == 2, TimeSpan.FromSeconds(10), "both thumbnails");
        SetValue(browser, "size", "64");
        SetValue(browser, "start-size", "64");
        SetValue(browser, "iterations", "1000");
        browser.Script("document.getElementById('style-statistic').value = 'sliced-wasserstein'");
        browser.Script("document.getElementById('loss-normalization').value = 'style'");
        browser.Script("document.getElementById('strength').value = '1'");
        browser.Find("start").Click();
        browser.WaitUntil(() => Number(browser.Script("return document.getElementById('progress').value")) >= 2, TimeSpan.FromMinutes(1), "the run to start");

        // What the page sent, as the store keeps it: the statistic, the normalisation, and "stronger"'s twice
        // their starting style weight (docs/options.md: 2.85e5); the content weight is left to the server.
        var settings = System.Text.Json.JsonDocument.Parse(factory.StoredSettings(Assert.Single(factory.StoredJobIds()))).RootElement;
        Assert.Equal("sliced-wasserstein", settings.GetProperty("styleStatistic").GetString());
        Assert.Equal("style", settings.GetProperty("lossNormalization").GetString());
        Assert.Equal("570000", settings.GetProperty("styleWeight").GetString());
        Assert.False(settings.TryGetProperty("contentWeight", out _));
        browser.Find("cancel").Click();
        browser.WaitUntil(() => browser.Find("error").Displayed, TimeSpan.FromSeconds(30), "the cancellation");
    }

    [SkippableFact]
    public void A_file_that_is_not_an_image_shows_the_servers_message()
    {
        using var factory = new WebAppFactory();
        var site = factory.StartKestrel();
        using var browser = Browser.Start();
        var files = WriteTestImages(browser.Downloads);
        var fake = Path.Combine(browser.Downloads, "holiday.jpg");
        File.WriteAllBytes(fake, TestImages.Text);
        browser.Driver.Navigate().GoToUrl(site);
        browser.Find("content-input").SendKeys(fake);
        browser.Find("styles-input").SendKeys(files.Style);
        browser.Find("start").Click();

        browser.WaitUntil(() => browser.Find("error").Displayed, TimeSpan.FromSeconds(30), "the error");
        Assert.Equal("The content image is not a PNG, JPEG, WebP, GIF or BMP image; save it in one of those formats and try again.", browser.Find("error").Text);
        Assert.False(browser.Find("run").Displayed);
        Assert.Equal(0, factory.Worker.RunningCount);
    }

    [SkippableFact]
    public void The_page_offers_bfloat16_only_where_the_servers_cpu_computes_it()
    {
        using var factory = new WebAppFactory(new Dictionary<string, string> { ["MaxSize"] = "768" });
        var site = factory.StartKestrel();
        using var browser = Browser.Start();
        browser.Driver.Navigate().GoToUrl(site);
        browser.WaitUntil(() => Number(browser.Script("return document.getElementById('size').max")) == 768, TimeSpan.FromSeconds(10), "the server's limits to arrive");

        var offered = !(bool)browser.Script("return document.querySelector('#precision option[value=\"bfloat16\"]').disabled")!;

        Assert.Equal(ComputeSupport.BFloat16(ComputeDevice.Cpu) != BFloat16Support.Emulated, offered);
        Assert.Equal("float32", browser.Script("return document.getElementById('precision').value"));
    }

    private static (string Content, string Style) WriteTestImages(string folder)
    {
        var content = Path.Combine(folder, "inputs", "photo.png");
        var style = Path.Combine(folder, "inputs", "art.png");
        Directory.CreateDirectory(Path.GetDirectoryName(content)!);
        File.WriteAllBytes(content, TestImages.ContentPng);
        File.WriteAllBytes(style, TestImages.StylePng);
        return (content, style);
    }

    private static void SetValue(Browser browser, string id, string value)
    {
        var field = browser.Find(id);
        if (!field.Displayed)
        {
            browser.Driver.FindElement(By.CssSelector(".settings details summary")).Click();
        }

        field.Clear();
        field.SendKeys(value);
    }

    private static long HorizontalOverflow(Browser browser) => Convert.ToInt64(
        browser.Script("return document.documentElement.scrollWidth - document.documentElement.clientWidth"),
        System.Globalization.CultureInfo.InvariantCulture);

    private static double Number(object? value) => Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);
}
