using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Configuration;

namespace Switchyard.Server.Api;

/// <summary>Marks an endpoint that needs the API token outside dev mode (every <c>/v1</c> route); read by
/// <see cref="RequestGate"/> before the body is touched.</summary>
internal sealed class ApiTokenRequired
{
    public static readonly ApiTokenRequired Instance = new();
}

/// <summary>Checks that run before an endpoint binds its parameters, that is before any body is read.</summary>
/// <remarks>
/// <para>Endpoint filters (<see cref="RestApi.RequireToken"/>) run after model binding, so an unauthenticated request to
/// a route with a body parameter was parsed first (up to 16 MiB) and bad JSON got 400 instead of 401 (issue 21,
/// finding 6). Here the token is checked first, and <c>/v1</c> bodies are capped at <c>max_body_bytes</c>.</para>
/// <para>In dev mode nothing needs a token, so a web page the developer visits could drive the server (issue 21,
/// finding 9): a cross-site <c>text/plain</c> or form POST needs no CORS preflight, and DNS rebinding makes a page's
/// own host name point at 127.0.0.1. Dev mode therefore refuses a <c>Host</c> that is not loopback or the configured
/// host (400), an <c>Origin</c> that is not the server itself or loopback (403), and state-changing requests whose
/// body is not JSON (415).</para>
/// </remarks>
internal static class RequestGate
{
    /// <summary>The middleware.</summary>
    public static Task InvokeAsync(HttpContext http, RequestDelegate next)
    {
        var options = http.RequestServices.GetService<ServerOptions>();
        if (options is null) return next(http);
        if (options.Dev && DevRefusal(http, options) is { } refusal) return Refuse(http, refusal);
        if (http.GetEndpoint()?.Metadata.GetMetadata<ApiTokenRequired>() is not null)
        {
            if (!options.Dev && !Credential.MatchesAny(Credential.Bearer(http.Request.Headers.Authorization.ToString()), [options.ApiToken]))
                return Refuse(http, RestApi.Unauthorized);
            // The REST routes take small JSON documents; Kestrel's own limit is sized for event ingest and webhooks.
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
                limit.MaxRequestBodySize = options.MaxBodyBytes;
            if (http.Request.ContentLength > options.MaxBodyBytes)
                return Refuse(http, TooLarge(options));
        }
        return BindingErrorsAsEnvelopes(http, next, options);
    }

    /// <summary>Runs the endpoint; a body it could not bind (thrown because of <c>RouteHandlerOptions.ThrowOnBadRequest</c>)
    /// is answered with the error envelope, naming the parameter and the JSON path, instead of a bare status.</summary>
    private static async Task BindingErrorsAsEnvelopes(HttpContext http, RequestDelegate next, ServerOptions options)
    {
        try
        {
            await next(http);
            // A body read that failed inside the binder (a chunked body over Kestrel's cap) is logged and answered
            // with a bare status: give it the envelope too.
            if (!http.Response.HasStarted && http.Response.StatusCode >= 400 && http.Response.ContentType is null
                && http.GetEndpoint()?.Metadata.GetMetadata<ApiTokenRequired>() is not null)
                await Refuse(http, http.Response.StatusCode == StatusCodes.Status413PayloadTooLarge
                    ? TooLarge(options)
                    : new ApiError(http.Response.StatusCode, "invalid_body", "the request body could not be read"));
        }
        catch (BadHttpRequestException e) when (!http.Response.HasStarted)
        {
            var error = e.StatusCode switch
            {
                StatusCodes.Status413PayloadTooLarge => TooLarge(options),
                StatusCodes.Status415UnsupportedMediaType => new ApiError(e.StatusCode, "unsupported_content_type", e.Message),
                _ => new ApiError(e.StatusCode, "invalid_body", e.InnerException is { } inner ? $"{e.Message} {inner.Message}" : e.Message),
            };
            await Refuse(http, error);
        }
        catch (InvalidOperationException) when (!http.Response.HasStarted && http.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false })
        {
            // A form posted without its anti-forgery token: the generated request delegates (unlike the reflection-built
            // ones, which throw BadHttpRequestException) read the form before checking the token and so throw this.
            await Refuse(http, ApiError.BadRequest("invalid_antiforgery_token", "the form's anti-forgery token is missing or invalid; reload the page and submit it again"));
        }
    }

    private static ApiError TooLarge(ServerOptions options) =>
        new(StatusCodes.Status413PayloadTooLarge, "body_too_large", $"body is larger than {options.MaxBodyBytes} bytes (max_body_bytes)");

    /// <summary>Answers without reading the body; the connection is closed rather than drained of an unread body.</summary>
    private static Task Refuse(HttpContext http, ApiError error)
    {
        if (http.Request.ContentLength > 0 || http.Request.Headers.TransferEncoding.Count > 0) http.Response.Headers.Connection = "close";
        return error.ToResult().ExecuteAsync(http);
    }

    private static ApiError? DevRefusal(HttpContext http, ServerOptions options)
    {
        var request = http.Request;
        if (!HostAllowed(request.Host, options))
            return ApiError.BadRequest("invalid_host", $"dev mode answers only requests for localhost or {options.Host} (Host header was '{request.Host}'); this guards against DNS rebinding");
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && !OriginAllowed(origin, request.Host))
            return new ApiError(StatusCodes.Status403Forbidden, "cross_site", $"dev mode refuses cross-site requests (Origin '{origin}'); only the server's own origin and loopback origins are accepted");
        if (StateChanging(request.Method) && !request.Path.StartsWithSegments("/webhooks") && !request.Path.StartsWithSegments(Dashboard.DashboardEndpoints.Prefix)
            && HasBody(request) && !IsJson(request.ContentType))
            // Webhooks are exempt: providers post forms (Slack) and are checked by signature instead. So are the
            // dashboard's forms: each carries an anti-forgery token, which a cross-site page cannot read.
            return new ApiError(StatusCodes.Status415UnsupportedMediaType, "unsupported_content_type", $"dev mode accepts only application/json bodies on state-changing routes (Content-Type was '{request.ContentType}')");
        return null;
    }

    private static bool StateChanging(string method) => !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method));

    /// <summary>An empty body carries nothing a page could smuggle in, whatever its declared type (some clients label
    /// an empty POST <c>text/plain</c>).</summary>
    private static bool HasBody(HttpRequest request) => request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;

    private static bool IsJson(string? contentType) =>
        Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)
        && media.MediaType.Value is { } type
        && (type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase)));

    private static bool HostAllowed(HostString host, ServerOptions options)
    {
        // Bound to every interface, the server is reachable by its network names anyway (containers call it by
        // service name), and rebinding gains nothing a direct request would not.
        if (IsWildcard(options.Host)) return true;
        var name = host.Host;
        if (name.Length == 0) return false;
        return IsLoopbackName(name)
            || string.Equals(name.Trim('[', ']'), options.Host.Trim('[', ']'), StringComparison.OrdinalIgnoreCase)
            || (!string.IsNullOrWhiteSpace(options.ServerUrl) && string.Equals(name, options.ClientUrl.Host, StringComparison.OrdinalIgnoreCase));
    }

    private static bool OriginAllowed(string origin, HostString host) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
        && (IsLoopbackName(uri.Host) || string.Equals(uri.Authority, host.Value, StringComparison.OrdinalIgnoreCase));

    private static bool IsWildcard(string host) => host is "" or "*" or "+" or "0.0.0.0" or "::" or "[::]";

    private static bool IsLoopbackName(string host)
    {
        host = host.Trim('[', ']');
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }
}
