using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Switchyard.Server.Tests.Security;

/// <summary>What the hostile-input tests share: a production-mode server, raw requests whose answer is read whatever
/// its status, and JSON nested to a chosen depth.</summary>
internal static class Hostile
{
    public const string ApiToken = "api-token";

    /// <summary>A server outside dev mode with every secret set except the telemetry token (the setup).</summary>
    public static Task<TestServer> ProductionAsync(Action<Configuration.ServerOptions>? configure = null) => TestServer.StartAsync(o =>
    {
        o.Dev = false;
        o.EventKeys = "event-key";
        o.SigningKey = "signkey-test-0123456789abcdef";
        o.ApiToken = ApiToken;
        configure?.Invoke(o);
    });

    /// <summary>Sends <paramref name="body"/> as-is (bytes, so invalid UTF-8 can be sent) and returns status and text.</summary>
    public static async Task<(HttpStatusCode Status, string Text)> SendAsync(HttpClient http, HttpMethod method, string path, byte[]? body = null, string? bearer = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public static Task<(HttpStatusCode Status, string Text)> PostAsync(HttpClient http, string path, string json, string? bearer = null) =>
        SendAsync(http, HttpMethod.Post, path, Encoding.UTF8.GetBytes(json), bearer);

    public static Task<(HttpStatusCode Status, string Text)> GetAsync(HttpClient http, string path, string? bearer = null) =>
        SendAsync(http, HttpMethod.Get, path, null, bearer);

    /// <summary><c>{"a":{"a":…{}}}</c> with <paramref name="levels"/> objects in all.</summary>
    public static string Nested(int levels) => string.Concat(Enumerable.Repeat("{\"a\":", levels - 1)) + "{}" + new string('}', levels - 1);

    /// <summary>The same as a node, built without a parser's depth limit.</summary>
    public static JsonObject NestedNode(int levels)
    {
        var root = new JsonObject();
        var current = root;
        for (var i = 1; i < levels; i++)
        {
            var next = new JsonObject();
            current["a"] = next;
            current = next;
        }
        return root;
    }

    /// <summary>Asserts a 200 whose body is complete JSON (not cut off mid-way) and returns it.</summary>
    public static JsonNode Renders((HttpStatusCode Status, string Text) answer, string what)
    {
        Assert.True(answer.Status == HttpStatusCode.OK, $"{what}: {(int)answer.Status} {answer.Text[..Math.Min(500, answer.Text.Length)]}");
        return System.Text.Json.Nodes.JsonNode.Parse(answer.Text, documentOptions: new System.Text.Json.JsonDocumentOptions { MaxDepth = 1024 })!;
    }

    /// <summary>Asserts a 4xx whose error message mentions <paramref name="field"/>.</summary>
    public static void RefusedNaming((HttpStatusCode Status, string Text) answer, string field)
    {
        Assert.True((int)answer.Status is >= 400 and < 500, $"expected a 4xx naming {field}, got {(int)answer.Status} {answer.Text}");
        Assert.Contains(field, answer.Text, StringComparison.Ordinal);
    }
}

/// <summary>A fresh dev-mode server per test, for the hostile-input test classes.</summary>
/// <param name="configure">Changes the options before the server starts.</param>
public abstract class OnDevServer(Action<Configuration.ServerOptions>? configure = null) : IAsyncLifetime
{
    /// <summary>The server of the running test.</summary>
    protected TestServer Server { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync() => Server = await TestServer.StartAsync(configure);

    /// <inheritdoc />
    public async Task DisposeAsync() => await Server.DisposeAsync();
}
