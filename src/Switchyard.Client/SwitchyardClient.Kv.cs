using Switchyard.Client.Models;

namespace Switchyard.Client;

/// <summary>The key-value API under <c>/v1/kv</c>: namespaces <c>gateway.*</c> and <c>app.*</c> in the bus store.</summary>
public sealed partial class SwitchyardClient
{
    /// <summary><c>GET /v1/kv/{ns}</c>: every live entry.</summary>
    public Task<KvEntries> KvListAsync(string ns, CancellationToken cancellationToken = default) =>
        GetAsync<KvEntries>(KvPath(ns), cancellationToken);

    /// <summary><c>DELETE /v1/kv/{ns}</c>: takes (lists and deletes) every entry in one transaction.</summary>
    public Task<KvEntries> KvTakeAllAsync(string ns, CancellationToken cancellationToken = default) =>
        SendAsync<KvEntries>(HttpMethod.Delete, KvPath(ns), null, Credential.Api, cancellationToken);

    /// <summary><c>GET /v1/kv/{ns}/{key}</c>: the live value, or null when there is none.</summary>
    public async Task<string?> KvGetAsync(string ns, string key, CancellationToken cancellationToken = default)
    {
        try
        {
            return (await GetAsync<KvValue>(KvPath(ns, key), cancellationToken)).Value;
        }
        catch (SwitchyardApiException e) when (e.Status == 404 && e.Code == "not_found")
        {
            return null;
        }
    }

    /// <summary><c>PUT /v1/kv/{ns}/{key}</c>.</summary>
    public Task<KvPutResult> KvPutAsync(string ns, string key, KvPutRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<KvPutResult>(HttpMethod.Put, KvPath(ns, key), request, Credential.Api, cancellationToken);

    /// <summary><c>DELETE /v1/kv/{ns}/{key}</c>.</summary>
    public Task<KvDeleteResult> KvDeleteAsync(string ns, string key, CancellationToken cancellationToken = default) =>
        SendAsync<KvDeleteResult>(HttpMethod.Delete, KvPath(ns, key), null, Credential.Api, cancellationToken);

    /// <summary><c>POST /v1/kv/{ns}/{key}/lease</c>: takes or renews the lease unless another owner holds it.</summary>
    public Task<KvLeaseResult> KvLeaseAsync(string ns, string key, KvLeaseRequest request, CancellationToken cancellationToken = default) =>
        PostAsync<KvLeaseResult>(KvPath(ns, key) + "/lease", request, cancellationToken);

    /// <summary><c>POST /v1/kv/{ns}/{key}/release</c>: frees the lease if <paramref name="request"/>'s owner holds it.</summary>
    public Task<KvReleaseResult> KvReleaseAsync(string ns, string key, KvReleaseRequest request, CancellationToken cancellationToken = default) =>
        PostAsync<KvReleaseResult>(KvPath(ns, key) + "/release", request, cancellationToken);

    private static string KvPath(string ns, string? key = null) => "v1/kv/" + Segment(ns) + (key is null ? "" : "/" + Segment(key));
}
