using System.Globalization;

namespace Switchyard.Sdk.Execution;

/// <summary>Instants as the protocol writes them (JavaScript's <c>toISOString</c>: UTC, milliseconds, <c>Z</c>).</summary>
internal static class IsoInstant
{
    public static string Format(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
