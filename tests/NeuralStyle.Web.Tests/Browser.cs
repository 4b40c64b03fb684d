using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace NeuralStyle.Web.Tests;

/// <summary>
/// Debian's headless Chromium driven through its ChromeDriver (packages chromium and
/// chromium-driver, which .ci/run installs), with downloads going to a folder of the test's own.
/// </summary>
internal sealed class Browser : IDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string DriverPath = "/usr/bin/chromedriver";

    private readonly string _profile;

    private Browser(ChromeDriver driver, string profile, string downloads)
    {
        Driver = driver;
        _profile = profile;
        Downloads = downloads;
    }

    public ChromeDriver Driver { get; }

    /// <summary>Where the browser saves downloads.</summary>
    public string Downloads { get; }

    /// <summary>Starts the browser, or skips the test, naming the packages, when it is not installed.</summary>
    public static Browser Start()
    {
        Skip.IfNot(File.Exists(ChromiumPath) && File.Exists(DriverPath), $"Chromium is not installed ({ChromiumPath}, {DriverPath}): apt-get install chromium chromium-driver (.ci/run does).");
        var profile = Directory.CreateTempSubdirectory("neuralstyle-chromium-").FullName;
        var downloads = Directory.CreateTempSubdirectory("neuralstyle-downloads-").FullName;
        var options = new ChromeOptions { BinaryLocation = ChromiumPath };
        options.AddArguments(
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1280,1000",
            $"--user-data-dir={profile}");
        options.AddUserProfilePreference("download.default_directory", downloads);
        options.AddUserProfilePreference("download.prompt_for_download", false);
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(DriverPath)!, Path.GetFileName(DriverPath));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        driver.ExecuteCdpCommand("Browser.setDownloadBehavior", new Dictionary<string, object?> { ["behavior"] = "allow", ["downloadPath"] = downloads });
        return new Browser(driver, profile, downloads);
    }

    public IWebElement Find(string id) => Driver.FindElement(By.Id(id));

    public object? Script(string script, params object[] arguments) => Driver.ExecuteScript(script, arguments);

    /// <summary>Waits (polling every 50 ms, up to <paramref name="timeout"/>) until <paramref name="condition"/> holds.</summary>
    public void WaitUntil(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s for {what}. Error shown: '{Find("error").Text}'.");
            }

            Thread.Sleep(50);
        }
    }

    /// <summary>Saves a screenshot of the viewport as a JPEG at <paramref name="path"/>.</summary>
    public void Screenshot(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var png = Driver.GetScreenshot().AsByteArray;
        Imaging.RgbImage.Load(png).Save(path, new Imaging.ImageSaveOptions { Quality = 85 });
    }

    public void Dispose()
    {
        Driver.Quit();
        Driver.Dispose();
        Directory.Delete(_profile, recursive: true);
        Directory.Delete(Downloads, recursive: true);
    }
}
