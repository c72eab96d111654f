using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CsCheck;
using Xunit.Abstractions;

namespace Switchyard.Server.Tests.Security;

/// <summary>The fuzz suite of issue 21: every route the server maps (enumerated from its endpoint data sources, so a new
/// route is fuzzed without a change here) gets generated hostile input — bodies from <see cref="HostileInput"/>, hostile
/// path segments, query strings and content types, bad webhook timestamps — with the right credential, so the input
/// reaches the parsers. Fixed seed, bounded count. No answer may be a 5xx; afterwards the server is alive, every read
/// view renders, and nothing a rejected request carried was stored. The figures (requests, 5xx, memory) go to the
/// test output.</summary>
public sealed partial class EndpointFuzzTests(ITestOutputHelper output)
{
    private const int IngestRequests = 500;
    private const int RouteRequests = 1300;
    private const string GithubSecret = "gh-fuzz-secret";
    private const string StripeSecret = "whsec_fuzz";
    private const string SlackSecret = "slack-fuzz-secret";
    private const string AcmeSecret = "acme-fuzz-secret";

    /// <summary>Routes whose documented answer for a failing upstream is a 5xx, and why: these are not the server failing.</summary>
    private static readonly Dictionary<string, (HttpStatusCode Status, string Why)> Upstream = new(StringComparer.Ordinal)
    {
        ["POST /v1/apps/sync"] = (HttpStatusCode.BadGateway, "the app being synced did not answer (or answered badly): 502 names the app's failure, as the OpenAPI document says"),
    };

    [Fact]
    public async Task Every_route_gets_hostile_input_without_a_5xx_and_every_view_still_renders()
    {
        await using var server = await Hostile.ProductionAsync(o =>
        {
            o.MaxEventsPerRequest = 10;
            o.Webhooks.GithubSecret = GithubSecret;
            o.Webhooks.StripeSecret = StripeSecret;
            o.Webhooks.SlackSecret = SlackSecret;
            o.Webhooks.Providers["acme"] = new Configuration.GenericWebhookOptions { Secret = AcmeSecret, Header = "X-Acme-Signature", Prefix = "sha256=" };
        });
        using var http = new HttpClient { BaseAddress = server.Http.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var routes = EndpointRoutes.List(server.Services).ToList();
        var before = Memory();
        var clock = Stopwatch.StartNew();
        var random = new PCG(21, 20260521);
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        var failures = new List<string>();
        var statusOf = new Dictionary<string, HttpStatusCode>(StringComparer.Ordinal);
        var sent = 0;
        var upstreamFailures = 0;

        // The ingest endpoints, where stored data is at stake: a marked body per request.
        for (var i = 0; i < IngestRequests; i++)
        {
            var (what, make) = HostileInput.Body.Generate(random, null, out _);
            var mark = $"r{i}x";
            var body = make(mark);
            var path = i % 2 == 0 ? "/e/event-key" : "/observability/emit";
            var status = await SendAsync(http, HttpMethod.Post, path, body, "application/json", Hostile.ApiToken, []);
            statusOf[mark] = status;
            Record(outcomes, failures, $"POST {path} [{what}]", status, sent++);
        }

        // Every mapped route, round-robin.
        for (var i = 0; i < RouteRequests; i++)
        {
            var route = routes[i % routes.Count];
            var (method, pattern) = (route.Split(' ')[0], route.Split(' ')[1]);
            var (what, make) = HostileInput.Body.Generate(random, null, out _);
            var segment = HostileInput.Segments[random.Next((uint)HostileInput.Segments.Length)];
            var path = pattern.StartsWith('{')
                ? "/" + segment + "/fuzz"
                : Parameter().Replace(pattern, m => m.Value switch { "{eventKey}" => "event-key", "{provider}" => Provider(i), _ => segment });
            if (method is "GET" or "DELETE") path += HostileInput.Queries[random.Next((uint)HostileInput.Queries.Length)];
            var mark = $"q{i}x";
            var body = method is "GET" or "HEAD" or "DELETE" ? null : make(mark);
            var contentType = HostileInput.ContentTypes[random.Next((uint)HostileInput.ContentTypes.Length)];
            var bearer = pattern == "/fn/register" ? "signkey-test-0123456789abcdef" : Hostile.ApiToken;
            var headers = pattern.StartsWith("/webhooks/", StringComparison.Ordinal) && body is not null ? WebhookHeaders(Provider(i), body, i) : [];
            var status = await SendAsync(http, new HttpMethod(method), path, body, contentType, bearer, headers);
            if (body is not null) statusOf[mark] = status;
            if (Upstream.TryGetValue(route, out var upstream) && status == upstream.Status)
            {
                upstreamFailures++;
                sent++;
                continue;
            }
            Record(outcomes, failures, $"{method} {path[..Math.Min(120, path.Length)]} ({route}) [{what}, {contentType}]", status, sent++);
        }
        clock.Stop();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var after = Memory();
        var fives = outcomes.Where(o => o.Key.StartsWith('5')).Sum(o => o.Value);
        output.WriteLine($"fuzz: {sent} requests over {routes.Count} routes in {clock.Elapsed.TotalSeconds:0.0} s; 5xx from the server: {fives}; 502 from an unreachable app (POST /v1/apps/sync): {upstreamFailures}; statuses: {string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key}×{o.Value}"))}");
        output.WriteLine($"memory before: working set {before.WorkingSet / 1048576} MiB, GC heap {before.Heap / 1048576} MiB; after: working set {after.WorkingSet / 1048576} MiB, GC heap {after.Heap / 1048576} MiB");
        Assert.Equal([], failures);
        Assert.Contains("200", outcomes.Keys);
        Assert.Contains("400", outcomes.Keys);

        // Alive, and every read view renders.
        Assert.Equal(HttpStatusCode.OK, (await Hostile.GetAsync(http, "/health")).Status);
        var events = Hostile.Renders(await Hostile.GetAsync(http, "/v1/events?count=10000", Hostile.ApiToken), "/v1/events")["events"]!.AsArray();
        Hostile.Renders(await Hostile.GetAsync(http, "/v1/runs?count=1000", Hostile.ApiToken), "/v1/runs");
        var otel = Hostile.Renders(await Hostile.GetAsync(http, "/v1/otel/list?count=10000", Hostile.ApiToken), "/v1/otel/list")["events"]!.AsArray();
        Hostile.Renders(await Hostile.GetAsync(http, "/v1/otel/search?q=fuzz", Hostile.ApiToken), "/v1/otel/search");
        Hostile.Renders(await Hostile.GetAsync(http, "/v1/otel/stats", Hostile.ApiToken), "/v1/otel/stats");
        Hostile.Renders(await Hostile.GetAsync(http, "/v1/status", Hostile.ApiToken), "/v1/status");
        Hostile.Renders(await Hostile.GetAsync(http, "/v1/functions", Hostile.ApiToken), "/v1/functions");
        Hostile.Renders(await Hostile.GetAsync(http, "/v1/apps", Hostile.ApiToken), "/v1/apps");
        foreach (var e in events.Take(20))
            Hostile.Renders(await Hostile.GetAsync(http, $"/v1/events/{Uri.EscapeDataString(e!["id"]!.GetValue<string>())}/trace", Hostile.ApiToken), "/v1/events/{id}/trace");
        // Streams (webhook subscriptions, the live feed) never end: the fuzz above already had their statuses.
        foreach (var view in routes.Where(r => r.StartsWith("GET /v1/", StringComparison.Ordinal) && !r.Contains('{') && !r.EndsWith("/stream", StringComparison.Ordinal) && r != "GET /v1/feed"))
        {
            var (status, text) = await Hostile.GetAsync(http, view[4..], Hostile.ApiToken);
            Assert.True((int)status < 500, $"{view} after the fuzz: {(int)status} {text[..Math.Min(300, text.Length)]}");
        }

        // Nothing a rejected request carried was stored.
        var stored = events.Select(e => e!["name"]?.ToString() + " " + e["id"]).Concat(otel.Select(t => t!["action"]?.ToString() ?? ""));
        foreach (var text in stored)
            foreach (Match m in Marker().Matches(text))
                if (statusOf.TryGetValue(m.Value, out var status) && (int)status >= 400)
                    failures.Add($"stored '{text[..Math.Min(120, text.Length)]}' from a request answered {(int)status}");
        Assert.Equal([], failures);
    }

    private static string Provider(int i) => new[] { "github", "stripe", "slack", "acme", "nope" }[i / 7 % 5];

    /// <summary>Correct signatures over the hostile body most of the time (so it reaches the parser), with hostile
    /// timestamps now and then.</summary>
    private static (string, string)[] WebhookHeaders(string provider, byte[] body, int i)
    {
        var now = Deliveries.UnixNow;
        string[] badTimestamps = ["99999999999999999", "-1", "NaN", "1e400", "", "18446744073709551616", "0x10"];
        var bad = i % 3 == 0 ? badTimestamps[i % badTimestamps.Length] : null;
        return provider switch
        {
            "github" => [("X-Hub-Signature-256", Deliveries.Github(GithubSecret, body)), ("X-GitHub-Event", i % 2 == 0 ? "workflow_run" : "../work flow;%00"), ("X-GitHub-Delivery", $"d-{i}")],
            "stripe" => [("Stripe-Signature", bad is null ? Deliveries.StripeV1(StripeSecret, now, body) : $"t={bad},v1=00")],
            "slack" => [("X-Slack-Request-Timestamp", bad ?? now.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("X-Slack-Signature", Deliveries.Slack(SlackSecret, now, body))],
            "acme" => [("X-Acme-Signature", Deliveries.Github(AcmeSecret, body))],
            _ => [],
        };
    }

    private static void Record(Dictionary<string, int> outcomes, List<string> failures, string what, HttpStatusCode status, int n)
    {
        var key = ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture);
        outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
        if ((int)status >= 500) failures.Add($"#{n} {what}: {(int)status}");
    }

    private static async Task<HttpStatusCode> SendAsync(HttpClient http, HttpMethod method, string path, byte[]? body, string? contentType, string bearer, (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            if (contentType is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        try
        {
            // Stream routes answer headers and stay open: the status is what counts.
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            return response.StatusCode;
        }
        catch (HttpRequestException ex) when (ex.InnerException is IOException && body is { Length: > 1_000_000 })
        {
            // An oversized body is refused (413) before it is read and the connection closed unread; the client may
            // still be sending and see the reset instead of the answer.
            return Closed;
        }
    }

    /// <summary>The pseudo-status of a request whose connection the server closed while the body was still being sent.</summary>
    private const HttpStatusCode Closed = (HttpStatusCode)499;

    private static (long WorkingSet, long Heap) Memory()
    {
        using var process = Process.GetCurrentProcess();
        return (process.WorkingSet64, GC.GetTotalMemory(forceFullCollection: false));
    }

    [GeneratedRegex("{[^}]+}")]
    private static partial Regex Parameter();

    [GeneratedRegex("[rq][0-9]+x")]
    private static partial Regex Marker();
}
