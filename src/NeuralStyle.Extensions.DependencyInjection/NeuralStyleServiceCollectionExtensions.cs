using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace NeuralStyle;

/// <summary>Registers NeuralStyle with an <see cref="IServiceCollection"/>.</summary>
public static class NeuralStyleServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="StyleTransferEngine"/> as a singleton, the way
    /// Microsoft.Extensions.ML registers its prediction engine pool: every service that takes a
    /// <see cref="StyleTransferEngine"/> shares it, its network is loaded once (at the first run),
    /// and the container disposes it. The engine logs through the container's
    /// <see cref="ILogger{TCategoryName}"/> when logging is registered.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Derives the engine's options from the defaults, for example
    /// <c>options => options with { MaxConcurrentRuns = 2 }</c>; the defaults when null.</param>
    /// <returns>The service collection, for chaining.</returns>
    /// <exception cref="InvalidOperationException">An engine is registered already.</exception>
    public static IServiceCollection AddNeuralStyle(this IServiceCollection services, Func<StyleTransferEngineOptions, StyleTransferEngineOptions>? configure = null)
    {
        Guard.NotNull(services);
        if (services.Any(d => d.ServiceType == typeof(StyleTransferEngine)))
        {
            throw new InvalidOperationException("AddNeuralStyle was called twice: one engine serves the whole application; configure it in one call.");
        }

        var options = configure is null ? new StyleTransferEngineOptions() : configure(new StyleTransferEngineOptions());
        Guard.NotNull(options, nameof(configure));
        services.TryAddSingleton(options);
        services.AddSingleton(provider => new StyleTransferEngine(
            provider.GetRequiredService<StyleTransferEngineOptions>(),
            provider.GetService<ILogger<StyleTransferEngine>>()));
        return services;
    }
}
