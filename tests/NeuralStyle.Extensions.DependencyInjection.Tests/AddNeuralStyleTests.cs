using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace NeuralStyle.Extensions.DependencyInjection.Tests;

/// <summary>services.AddNeuralStyle: one engine for the application, configured once, disposed by the container.</summary>
public class AddNeuralStyleTests
{
    [Fact]
    public void The_engine_is_one_singleton_with_the_configured_options()
    {
        using var provider = new ServiceCollection()
            .AddNeuralStyle(options => options with { MaxConcurrentRuns = 3, WeightsPath = "/weights/vgg19.h5" })
            .BuildServiceProvider();

        var engine = provider.GetRequiredService<StyleTransferEngine>();

        Assert.Same(engine, provider.GetRequiredService<StyleTransferEngine>());
        using (var scope = provider.CreateScope())
        {
            Assert.Same(engine, scope.ServiceProvider.GetRequiredService<StyleTransferEngine>());
        }

        Assert.Equal((3, "/weights/vgg19.h5"), (engine.Options.MaxConcurrentRuns, engine.Options.WeightsPath));
    }

    [Fact]
    public void Without_configuration_the_engine_has_the_default_options()
    {
        using var provider = new ServiceCollection().AddNeuralStyle().BuildServiceProvider();

        Assert.Equal(new StyleTransferEngineOptions(), provider.GetRequiredService<StyleTransferEngine>().Options);
    }

    [Fact]
    public async Task Disposing_the_container_disposes_the_engine()
    {
        StyleTransferEngine engine;
        await using (var provider = new ServiceCollection().AddNeuralStyle().BuildServiceProvider())
        {
            engine = provider.GetRequiredService<StyleTransferEngine>();
        }

        Assert.Throws<ObjectDisposedException>(() => { _ = engine.RunAsync(new StyleTransferOptions { Content = "c.png", Styles = ["s.png"] }); });
    }

    [Fact]
    public void Registering_twice_is_refused_in_one_line()
    {
        var services = new ServiceCollection().AddNeuralStyle();

        var ex = Assert.Throws<InvalidOperationException>(() => services.AddNeuralStyle());

        Assert.Contains("AddNeuralStyle was called twice", ex.Message);
    }

    [SkippableFact]
    public async Task The_engine_logs_through_the_container_s_logging()
    {
        var weights = Environment.GetEnvironmentVariable("NEURALSTYLE_VGG19_WEIGHTS");
        var images = Environment.GetEnvironmentVariable("NEURALSTYLE_TEST_IMAGES");
        Skip.If(string.IsNullOrEmpty(weights) || string.IsNullOrEmpty(images), "NEURALSTYLE_VGG19_WEIGHTS and NEURALSTYLE_TEST_IMAGES are needed (.ci/run sets them).");
        var sink = new RecordingLoggerProvider();
        await using var provider = new ServiceCollection()
            .AddLogging(logging => logging.AddProvider(sink).SetMinimumLevel(LogLevel.Information))
            .AddNeuralStyle(options => options with { WeightsPath = weights })
            .BuildServiceProvider();

        var result = await provider.GetRequiredService<StyleTransferEngine>().RunAsync(new StyleTransferOptions
        {
            Content = Path.Combine(images!, "tubingen.jpg"),
            Styles = [Path.Combine(images!, "starry_night.jpg")],
            OutputSize = 32,
            Iterations = 2,
        });

        Assert.Equal(2, result.LossHistory.Count);
        Assert.Contains(sink.Messages, m => m.Category == typeof(StyleTransferEngine).FullName && m.Text.StartsWith("Loaded VGG19", StringComparison.Ordinal));
        Assert.Contains(sink.Messages, m => m.Text.StartsWith("Style transfer finished", StringComparison.Ordinal));
    }

    private sealed class RecordingLoggerProvider : ILoggerProvider
    {
        private readonly List<(string Category, string Text)> _messages = [];

        public IReadOnlyList<(string Category, string Text)> Messages
        {
            get
            {
                lock (_messages)
                {
                    return _messages.ToArray();
                }
            }
        }

        public ILogger CreateLogger(string categoryName) => new Recorder(categoryName, _messages);

        public void Dispose()
        {
        }

        private sealed class Recorder(string category, List<(string Category, string Text)> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (messages)
                {
                    messages.Add((category, formatter(state, exception)));
                }
            }
        }
    }
}
