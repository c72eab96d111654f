using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Switchyard.Server.Tests.Security;

/// <summary>Issue 21, finding 4: <c>POST /v1/apps/sync</c> makes the server request a URL of the caller's choice, so it
/// must not follow redirects (nor re-send the signature elsewhere), must not read or return an unbounded body, and
/// must not tell an open port from a closed one.</summary>
public sealed class AppSyncSsrfTests
{
    [Fact]
    public async Task A_redirect_is_not_followed_and_the_signature_goes_nowhere_else()
    {
        var reached = 0;
        var (target, targetUrl) = await StubHost.StartAsync(app => app.MapMethods("/{**path}", ["PUT", "GET", "POST"], () => { Interlocked.Increment(ref reached); return Results.Json(new { message = "secret internal answer" }); }));
        await using var _t = target;
        var (redirector, redirectorUrl) = await StubHost.StartAsync(app => app.MapPut("/api/inngest", () => Results.Redirect(new Uri(targetUrl, "/internal").ToString(), permanent: false, preserveMethod: true)));
        await using var _r = redirector;
        await using var server = await Hostile.ProductionAsync();

        var answer = await Hostile.PostAsync(server.Http, "/v1/apps/sync", $"{{\"url\":\"{new Uri(redirectorUrl, "/api/inngest")}\"}}", Hostile.ApiToken);

        Assert.Equal(0, Volatile.Read(ref reached));
        Assert.True((int)answer.Status is >= 400 and < 600 and not 500, $"{(int)answer.Status} {answer.Text}");
        Assert.Contains("redirect", answer.Text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secret internal answer", answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Calls_to_apps_follow_no_redirect_either()
    {
        // Step calls are signed too; a followed redirect would hand the signature to whichever host the app names.
        var reached = 0;
        var (target, targetUrl) = await StubHost.StartAsync(app => app.MapPost("/{**path}", () => { Interlocked.Increment(ref reached); return Results.Ok(); }));
        await using var _t = target;
        var (redirector, redirectorUrl) = await StubHost.StartAsync(app => app.MapPost("/api/inngest", () => Results.Redirect(targetUrl.ToString(), permanent: false, preserveMethod: true)));
        await using var _r = redirector;
        await using var server = await Hostile.ProductionAsync();
        var http = server.Services.GetRequiredService<IHttpClientFactory>().CreateClient(Engine.Execution.AppClient.HttpClientName);

        using var response = await http.PostAsync(new Uri(redirectorUrl, "/api/inngest"), new StringContent("{}"));

        Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
        Assert.Equal(0, Volatile.Read(ref reached));
    }

    [Fact]
    public async Task A_huge_answer_is_not_read_whole_nor_returned()
    {
        var huge = new string('x', 8 * 1024 * 1024);
        var (app, url) = await StubHost.StartAsync(a => a.MapPut("/api/inngest", () => Results.Text(huge, "text/plain")));
        await using var _a = app;
        await using var server = await Hostile.ProductionAsync();

        var answer = await Hostile.PostAsync(server.Http, "/v1/apps/sync", $"{{\"url\":\"{new Uri(url, "/api/inngest")}\"}}", Hostile.ApiToken);

        Assert.Equal(HttpStatusCode.BadGateway, answer.Status);
        Assert.True(answer.Text.Length < 4096, $"answer of {answer.Text.Length} characters");
        Assert.DoesNotContain("xxxxxxxx", answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_body_of_an_answer_is_summarized_not_passed_on()
    {
        var (app, url) = await StubHost.StartAsync(a => a.MapPut("/api/inngest", () => Results.Text("<html>internal admin page: password=hunter2</html>", "text/html")));
        await using var _a = app;
        await using var server = await Hostile.ProductionAsync();

        var answer = await Hostile.PostAsync(server.Http, "/v1/apps/sync", $"{{\"url\":\"{new Uri(url, "/api/inngest")}\"}}", Hostile.ApiToken);

        Assert.DoesNotContain("hunter2", answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_closed_port_and_an_open_non_http_port_answer_alike()
    {
        // A port that accepts and then closes without speaking HTTP (an open, non-HTTP service).
        using var open = new TcpListener(IPAddress.Loopback, 0);
        open.Start();
        var acceptor = Task.Run(async () => { while (true) { using var c = await open.AcceptTcpClientAsync(); await c.GetStream().WriteAsync("SSH-2.0-OpenSSH\r\n"u8.ToArray()); } });
        var openPort = ((IPEndPoint)open.LocalEndpoint).Port;
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var closedPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        await using var server = await Hostile.ProductionAsync();

        var toOpen = await Hostile.PostAsync(server.Http, "/v1/apps/sync", $"{{\"url\":\"http://127.0.0.1:{openPort}/\"}}", Hostile.ApiToken);
        var toClosed = await Hostile.PostAsync(server.Http, "/v1/apps/sync", $"{{\"url\":\"http://127.0.0.1:{closedPort}/\"}}", Hostile.ApiToken);

        Assert.Equal(HttpStatusCode.BadGateway, toOpen.Status);
        Assert.Equal(HttpStatusCode.BadGateway, toClosed.Status);
        Assert.Equal(toOpen.Text.Replace(openPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "P", StringComparison.Ordinal),
            toClosed.Text.Replace(closedPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "P", StringComparison.Ordinal));
        Assert.Contains("not reachable", toClosed.Text, StringComparison.Ordinal);
    }
}
