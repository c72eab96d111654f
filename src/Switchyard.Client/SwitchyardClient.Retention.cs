using Switchyard.Client.Models;

namespace Switchyard.Client;

public sealed partial class SwitchyardClient
{
    /// <summary><c>POST /v1/gc</c>: deletes what is past its retention now, or with <paramref name="dryRun"/> only
    /// counts it.</summary>
    public Task<GcResult> GcAsync(bool dryRun, CancellationToken cancellationToken = default) =>
        PostAsync<GcResult>(dryRun ? "v1/gc?dry_run=true" : "v1/gc", null, cancellationToken);
}
