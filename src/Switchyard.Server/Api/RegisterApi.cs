using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Switchyard.Client.Models;
using Switchyard.Protocol;
using Switchyard.Protocol.Functions;
using Switchyard.Protocol.Signing;
using Switchyard.Configuration;
using Switchyard.Engine.Registry;

namespace Switchyard.Server.Api;

/// <summary><c>POST /fn/register</c>: apps announce their functions. Replies carry a <c>status</c> field because the
/// Inngest SDKs answer their sync PUT with it.</summary>
public static class RegisterApi
{
    /// <summary>Maps the endpoint.</summary>
    public static void MapRegisterApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/fn/register", HandleAsync).Accepts<RegisterRequest>("application/json").Produces<RegisterResult>()
            .Produces<RegisterError>(StatusCodes.Status400BadRequest).Produces<RegisterError>(StatusCodes.Status401Unauthorized).Produces<RegisterError>(StatusCodes.Status413PayloadTooLarge);
    }

    private static async Task<IResult> HandleAsync(HttpContext http, AppRegistration registration, ServerOptions options, CancellationToken ct)
    {
        if (!options.Dev && !IsSigningKeyBearer(http.Request.Headers.Authorization.ToString(), options))
            return Fail(401, "unauthorized: the Authorization bearer must be the app's signing key or its hash");
        var (body, tooLarge) = await EventApi.ReadBodyAsync(http.Request, 16 * 1024 * 1024, ct);
        if (tooLarge) return Fail(413, "registration larger than 16 MiB");
        if (Engine.Parsing.JsonLimits.Problem(body) is { } problem) return Fail(400, $"registration refused: {problem}");
        RegisterRequest? request;
        try
        {
            request = JsonSerializer.Deserialize<RegisterRequest>(body, ProtocolJson.Options);
        }
        catch (JsonException ex)
        {
            return Fail(400, $"registration is not valid JSON: {ex.Message}");
        }
        if (request is null) return Fail(400, "registration body is empty");
        var (outcome, error) = await registration.RegisterAsync(request, ct);
        if (error is not null) return Fail(error.StatusCode(), error.Message);
        return Results.Json(new RegisterResult(true, outcome!.Modified, outcome.AppId, outcome.Removed, 200));
    }

    private static IResult Fail(int status, string message) =>
        Results.Json(new RegisterError(status, message, status == 401 ? "unauthorized" : "invalid_registration"), statusCode: status);

    /// <summary>Accepts the signing key itself or <c>signkey-&lt;env&gt;-&lt;sha256 of the key's bytes&gt;</c>, the form
    /// the SDKs send, for the current and the fallback key; compared in constant time.</summary>
    internal static bool IsSigningKeyBearer(string authorization, ServerOptions options)
    {
        var keys = new[] { options.SigningKey, options.SigningKeyFallback }.Where(k => !string.IsNullOrWhiteSpace(k)).ToList();
        return Credential.MatchesAny(Credential.Bearer(authorization), keys.Concat(keys.Select(HashSigningKey)));
    }

    /// <summary><c>signkey-test-abab…</c> → <c>signkey-test-&lt;hex sha256 of the hex-decoded key&gt;</c>.</summary>
    internal static string HashSigningKey(string key) => SigningKey.Hash(key);
}
