using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace NeuralStyle;

/// <summary>
/// One-line argument checks that throw the standard argument exceptions, naming the argument.
/// Compiled into each package (linked source), so it stays internal everywhere.
/// </summary>
internal static class Guard
{
    public static void NotNull([NotNull] object? value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (value is null)
        {
            ThrowArgumentNull(name);
        }
    }

    public static void NotNullOrWhiteSpace([NotNull] string? value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (value is null)
        {
            ThrowArgumentNull(name);
        }

        if (string.IsNullOrWhiteSpace(value))
        {
            ThrowArgument($"{name} must not be empty or white space.", name);
        }
    }

    public static void MustBePositive(int value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (value <= 0)
        {
            ThrowOutOfRange(name, value, $"{name} must be greater than zero; it was {value}.");
        }
    }

    public static void MustBePositive(long value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (value <= 0)
        {
            ThrowOutOfRange(name, value, $"{name} must be greater than zero; it was {value}.");
        }
    }

    public static void MustBeBetween(int value, int min, int max, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (value < min || value > max)
        {
            ThrowOutOfRange(name, value, $"{name} must be between {min} and {max}; it was {value}.");
        }
    }

    public static void MustBeFiniteAndNonNegative(double value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!double.IsFinite(value) || value < 0)
        {
            ThrowOutOfRange(name, value, $"{name} must be a finite number of at least zero; it was {value}.");
        }
    }

    public static void MustBeFiniteAndPositive(double value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!double.IsFinite(value) || value <= 0)
        {
            ThrowOutOfRange(name, value, $"{name} must be a finite number greater than zero; it was {value}.");
        }
    }

    [DoesNotReturn]
    public static void ThrowArgument(string message, string? name) => throw new ArgumentException(message, name);

    [DoesNotReturn]
    private static void ThrowArgumentNull(string? name) => throw new ArgumentNullException(name);

    [DoesNotReturn]
    private static void ThrowOutOfRange(string? name, object value, string message) =>
        throw new ArgumentOutOfRangeException(name, value, message);
}
