using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace NeuralStyle.Web.Tests;

/// <summary>
/// The web app as its own process, as an operator starts it (<c>dotnet NeuralStyle.Web.dll --urls=… --NeuralStyle:…</c>),
/// on a free localhost port, with its output drained (or kept, for the tests that read it).
/// </summary>
internal sealed class AppProcess : IDisposable
{
    private AppProcess(Process process, int port)
    {
        Process = process;
        Port = port;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
    }

    public Process Process { get; }

    public int Port { get; }

    /// <summary>A client of the app's address.</summary>
    public HttpClient Client { get; }

    /// <summary>Starts the app in <paramref name="workingDirectory"/> (the test's folder when null) with these command-line settings.</summary>
    /// <param name="port">Its port; 0 for a process that is expected to end before it serves (its output is then left to be read).</param>
    public static AppProcess Start(int port, IEnumerable<string> settings, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "NeuralStyle.Web.dll"));
        start.ArgumentList.Add($"--urls=http://127.0.0.1:{port}");
        foreach (var setting in settings)
        {
            start.ArgumentList.Add(setting);
        }

        var process = Process.Start(start)!;
        if (port != 0)
        {
            // Drained, so that a full pipe never blocks the server.
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
        }

        return new AppProcess(process, port);
    }

    /// <summary>A port no one listens on now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits until <c>/health</c> answers (a minute at most).</summary>
    public async Task WaitUntilServingAsync()
    {
        for (var i = 0; i < 600 && !Process.HasExited; i++)
        {
            try
            {
                using var response = await Client.GetAsync("/health");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        Assert.Fail("The server did not start serving within a minute.");
    }

    /// <summary>Sends a signal (TERM, KILL) with the system's own kill.</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", Process.Id.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill();
            Process.WaitForExit();
        }

        Process.Dispose();
        Client.Dispose();
    }
}
