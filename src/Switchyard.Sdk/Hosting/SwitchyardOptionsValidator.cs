using Microsoft.Extensions.Options;

namespace Switchyard.Sdk.Hosting;

/// <summary>Checks <see cref="SwitchyardOptions"/> at start-up, naming the option at fault.</summary>
internal sealed class SwitchyardOptionsValidator : IValidateOptions<SwitchyardOptions>
{
    public ValidateOptionsResult Validate(string? name, SwitchyardOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.AppId))
            failures.Add("AppId is required (Switchyard:AppId, SWITCHYARD_APP_ID, or SwitchyardOptions.AppId in AddSwitchyard).");
        if (options.ServerUrl is not { IsAbsoluteUri: true } server || (server.Scheme != Uri.UriSchemeHttp && server.Scheme != Uri.UriSchemeHttps))
            failures.Add($"ServerUrl must be an absolute http(s) URL: \"{options.ServerUrl}\".");
        if (options.ServeOrigin is { } origin && (!origin.IsAbsoluteUri || (origin.Scheme != Uri.UriSchemeHttp && origin.Scheme != Uri.UriSchemeHttps)))
            failures.Add($"ServeOrigin must be an absolute http(s) URL: \"{origin}\".");
        if (!options.ServePath.StartsWith('/'))
            failures.Add($"ServePath must start with '/': \"{options.ServePath}\".");
        if (options.CheckpointBudget < TimeSpan.Zero)
            failures.Add($"CheckpointBudget must not be negative: {options.CheckpointBudget}.");
        if (options.Serializer is null)
            failures.Add("Serializer must not be null.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
