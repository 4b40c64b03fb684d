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
            ThrowOutOfRange(name, $"{name} must be greater than zero; it was {value}.");
        }
    }

    public static void MustBePositive(long value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (value <= 0)
        {
            ThrowOutOfRange(name, $"{name} must be greater than zero; it was {value}.");
        }
    }

    public static void MustBeBetween(int value, int min, int max, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (value < min || value > max)
        {
            ThrowOutOfRange(name, $"{name} must be between {min} and {max}; it was {value}.");
        }
    }

    public static void MustBeFiniteAndNonNegative(double value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!double.IsFinite(value) || value < 0)
        {
            ThrowOutOfRange(name, $"{name} must be a finite number of at least zero; it was {value}.");
        }
    }

    public static void MustBeFiniteAndPositive(double value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!double.IsFinite(value) || value <= 0)
        {
            ThrowOutOfRange(name, $"{name} must be a finite number greater than zero; it was {value}.");
        }
    }

    /// <summary>Returns <paramref name="value"/>, or throws <see cref="ArgumentNullException"/> if it is null (for init accessors).</summary>
    public static T NotNullValue<T>([NotNull] T? value, string name)
        where T : class
    {
        NotNull(value, name);
        return value;
    }

    public static void MustBeDefined<TEnum>(TEnum value, [CallerArgumentExpression(nameof(value))] string? name = null)
        where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            ThrowArgument($"{name} has the unknown value {value}; use one of {string.Join(", ", Enum.GetNames<TEnum>())}.", name);
        }
    }

    [DoesNotReturn]
    public static void ThrowArgument(string message, string? name) => throw new ArgumentException(message, name);

    /// <summary>
    /// Throws <see cref="ArgumentOutOfRangeException"/> with a one-line message: the message names the
    /// value, so the exception is not given it again (that would add a second line, "Actual value was …").
    /// </summary>
    [DoesNotReturn]
    public static void ThrowOutOfRange(string? name, string message) => throw new ArgumentOutOfRangeException(name, message);

    [DoesNotReturn]
    private static void ThrowArgumentNull(string? name) => throw new ArgumentNullException(name);

}
