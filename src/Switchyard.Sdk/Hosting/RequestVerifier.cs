using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchyard.Protocol;
using Switchyard.Protocol.Signing;

namespace Switchyard.Sdk.Hosting;

/// <summary>Decides whether a request really comes from the server. Without a signing key (dev mode) nothing is
/// verified, as in the other SDKs. With one, <c>GET</c>, <c>POST</c> and in-band <c>PUT</c> must carry a valid
/// <c>X-Inngest-Signature</c> (HMAC over the canonical body, current or fallback key, 5-minute window). An
/// out-of-band <c>PUT</c> passes unsigned: it only makes the app register itself with the server it is configured
/// for, with its own credentials. The window is judged on the app's <see cref="TimeProvider"/>.</summary>
internal sealed class RequestVerifier(IOptions<SwitchyardOptions> options, TimeProvider time, ILogger<RequestVerifier> logger)
{
    /// <summary>True when the app verifies signatures.</summary>
    public bool IsCloudMode => !string.IsNullOrEmpty(options.Value.SigningKey);

    public bool IsAuthentic(HttpRequest request, ReadOnlySpan<byte> body)
    {
        var settings = options.Value;
        if (string.IsNullOrEmpty(settings.SigningKey)) return true;
        var method = request.Method;
        var mustVerify = HttpMethods.IsGet(method) || HttpMethods.IsPost(method)
            || (HttpMethods.IsPut(method) && request.Headers[Headers.SyncKind] == "in_band");
        if (!mustVerify) return true;
        var check = RequestSignature.Verify(request.Headers[Headers.Signature].ToString(), body, settings.SigningKey, settings.SigningKeyFallback, time.GetUtcNow());
        if (!check.Valid) logger.LogWarning("Rejected {Method} {Path}: {Problem}", method, request.Path, check.Problem);
        return check.Valid;
    }
}
