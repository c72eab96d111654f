namespace Switchyard.Dashboard.Tests;

/// <summary>A server outside dev mode, with every secret set.</summary>
internal static class Production
{
    public const string ApiToken = "dashboard-api-token";

    public static Task<TestServer> StartAsync() => TestServer.StartAsync(o =>
    {
        o.Dev = false;
        o.EventKeys = "event-key";
        o.SigningKey = "signkey-test-0123456789abcdef";
        o.ApiToken = ApiToken;
    });
}
