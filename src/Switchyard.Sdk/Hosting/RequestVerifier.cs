using Microsoft.AspNetCore.Http;

namespace Switchyard.Sdk.Hosting;

/// <summary>Decides whether a request really comes from the server. The SDK runs in dev mode only for now, where
/// nothing is verified (as in the other SDKs); signature checks (HMAC over the canonical body) belong here.</summary>
internal sealed class RequestVerifier
{
    public bool IsAuthentic(HttpRequest request, ReadOnlySpan<byte> body) => true;
}
