using System.Collections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Switchyard.Sdk.Hosting;

/// <summary>The <c>SWITCHYARD_*</c> environment variables as defaults of <see cref="SwitchyardOptions"/>: the name
/// after the prefix, without underscores, is the option (<c>SWITCHYARD_SERVER_URL</c> → <c>ServerUrl</c>,
/// <c>SWITCHYARD_SYNC_ON_START</c> → <c>SyncOnStart</c>). Applied before the app's own configuration, which wins.
/// Other <c>SWITCHYARD_*</c> variables (the CLI's, the server's) are ignored.</summary>
internal sealed class SwitchyardEnvironment(Func<IDictionary> variables) : IConfigureOptions<SwitchyardOptions>, IPostConfigureOptions<SwitchyardOptions>
{
    public const string Prefix = "SWITCHYARD_";

    /// <summary>The process's environment.</summary>
    public SwitchyardEnvironment()
        : this(Environment.GetEnvironmentVariables)
    {
    }

    /// <summary>Keys and role the app's code left unset (or set to null) still come from the environment, as before
    /// the general binding existed, so secrets need not live in code or config files.</summary>
    public void PostConfigure(string? name, SwitchyardOptions options)
    {
        options.EventKey ??= Read("SWITCHYARD_EVENT_KEY");
        options.SigningKey ??= Read("SWITCHYARD_SIGNING_KEY");
        options.SigningKeyFallback ??= Read("SWITCHYARD_SIGNING_KEY_FALLBACK");
        if (string.IsNullOrWhiteSpace(options.Role)) options.Role = Read("SWITCHYARD_ROLE")?.Trim();
    }

    private string? Read(string name) => variables()[name] is string { Length: > 0 } value ? value : null;

    public void Configure(SwitchyardOptions options)
    {
        foreach (DictionaryEntry entry in variables())
        {
            if (entry.Key is not string name || !name.StartsWith(Prefix, StringComparison.Ordinal) || entry.Value is not string { Length: > 0 } value) continue;
            var key = name[Prefix.Length..].Replace("_", "", StringComparison.Ordinal);
            try
            {
                // One variable at a time, so that a bad value is reported under the variable's own name.
                new ConfigurationBuilder().AddInMemoryCollection([KeyValuePair.Create(key, (string?)value.Trim())]).Build().Bind(options);
            }
            catch (InvalidOperationException e)
            {
                throw new InvalidOperationException($"The environment variable {name} has a bad value: {e.Message}", e);
            }
        }
    }
}
