using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Switchyard.Client;
using Switchyard.Client.Hosting;
using Switchyard.Client.Models;

namespace Switchyard.Worker.Hosting;

/// <summary>Where the worker is reachable once it listens, and the sync request that tells the server so.</summary>
internal sealed class WorkerEndpoint(IServer server, WorkerOptions options, SwitchyardClient bus, SyncState state, TimeProvider time)
{
    /// <summary>The SDK endpoint: what the server syncs and calls.</summary>
    public const string ServePath = "/api/switchyard";

    /// <summary>Liveness, kept apart from the SDK endpoint so a supervisor's probe never depends on registration.</summary>
    public const string HealthPath = "/health";

    /// <summary><see cref="WorkerOptions.PublicUrl"/>, else the bound address (a wildcard host read as loopback).</summary>
    public Uri BaseUrl
    {
        get
        {
            if (options.PublicUrl is { } url) return new Uri(url.AbsoluteUri.TrimEnd('/') + "/");
            var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
                ?? throw new InvalidOperationException("The worker is not listening yet.");
            var builder = new UriBuilder(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
            if (builder.Host is "0.0.0.0" or "[::]" or "::" or "localhost") builder.Host = "127.0.0.1";
            return new Uri(builder.Uri.GetLeftPart(UriPartial.Authority) + "/");
        }
    }

    public Uri ServeUrl => new(BaseUrl, ServePath.TrimStart('/'));

    public Uri HealthUrl => new(BaseUrl, HealthPath.TrimStart('/'));

    /// <summary>Asks the server to sync this worker; records and returns the answer, throws when it fails.</summary>
    public async Task<SyncResult> SyncAsync(CancellationToken cancellationToken)
    {
        try
        {
            var answer = await bus.SyncAppAsync(ServeUrl.ToString(), cancellationToken);
            state.Record(new SyncOutcome(time.GetUtcNow(), true, answer.Message));
            return answer;
        }
        catch (Exception e) when (e is HttpRequestException or SwitchyardApiException)
        {
            state.Record(new SyncOutcome(time.GetUtcNow(), false, e.Message));
            throw;
        }
    }
}
