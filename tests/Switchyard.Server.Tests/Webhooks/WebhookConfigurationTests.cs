using Switchyard.Configuration;

namespace Switchyard.Server.Tests.Webhooks;

public sealed class WebhookConfigurationTests
{
    [Fact]
    public void The_webhooks_table_of_yard_toml_binds_secrets_limits_and_generic_providers()
    {
        var file = Path.Combine(TempDir.Create(), "yard.toml");
        File.WriteAllText(file, """
            [webhooks]
            github_secret = "gh-toml-secret"
            max_body_bytes = 1000
            timestamp_tolerance = "00:02:00"

            [webhooks.providers.vercel]
            secret = "vercel-toml-secret"
            header = "x-vercel-signature"
            algorithm = "sha1"
            id_path = "id"
            """);
        var options = SwitchyardConfiguration.Load(configFile: file).Options;
        Assert.Equal("gh-toml-secret", options.Webhooks.GithubSecret);
        Assert.Equal(1000, options.Webhooks.MaxBodyBytes);
        Assert.Equal(TimeSpan.FromMinutes(2), options.Webhooks.TimestampTolerance);
        var vercel = options.Webhooks.Providers["vercel"];
        Assert.Equal("vercel-toml-secret", vercel.Secret);
        Assert.Equal("sha1", vercel.Algorithm);
        Assert.Equal("id", vercel.IdPath);
    }

    [Fact]
    public void Environment_variables_bind_nested_webhook_keys_and_yard_config_masks_them()
    {
        // Names no other test reads; a GitHub secret in the environment is harmless to tests running in parallel.
        const string githubVar = "SWITCHYARD_WEBHOOKS__GITHUB_SECRET";
        const string secretVar = "SWITCHYARD_WEBHOOKS__PROVIDERS__ENVTEST__SECRET";
        const string headerVar = "SWITCHYARD_WEBHOOKS__PROVIDERS__ENVTEST__TIMESTAMP_HEADER";
        Environment.SetEnvironmentVariable(githubVar, "gh-env-secret");
        Environment.SetEnvironmentVariable(secretVar, "env-secret-value");
        Environment.SetEnvironmentVariable(headerVar, "X-Ts");
        try
        {
            var config = SwitchyardConfiguration.Load(configFile: Path.Combine(TempDir.Create(), "none.toml"));
            var provider = config.Options.Webhooks.Providers["envtest"];
            Assert.Equal("env-secret-value", provider.Secret);
            Assert.Equal("X-Ts", provider.TimestampHeader);
            Assert.Equal("gh-env-secret", config.Options.Webhooks.GithubSecret);
            var described = config.Describe().Single(r => r.Key == "Webhooks");
            Assert.DoesNotContain("env-secret-value", described.Value, StringComparison.Ordinal);
            Assert.DoesNotContain("gh-env-secret", described.Value, StringComparison.Ordinal);
            Assert.Contains("github_secret=set", described.Value, StringComparison.Ordinal);
            Assert.Contains("envtest(secret set)", described.Value, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(githubVar, null);
            Environment.SetEnvironmentVariable(secretVar, null);
            Environment.SetEnvironmentVariable(headerVar, null);
        }
    }
}
