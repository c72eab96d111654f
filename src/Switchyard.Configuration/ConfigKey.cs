namespace Switchyard.Configuration;

/// <summary>One spelling of option names across sources: <c>data_dir</c>, <c>DATA_DIR</c>, <c>data-dir</c> and
/// <c>DataDir</c> all name the same option.</summary>
public static class ConfigKey
{
    /// <summary>Drops <c>_</c> and <c>-</c> and keeps <c>:</c> section separators.</summary>
    public static string Normalize(string key) => key.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
}
