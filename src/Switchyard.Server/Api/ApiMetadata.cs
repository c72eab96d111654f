using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Switchyard.Client.Models;

namespace Switchyard.Server.Api;

/// <summary>Response metadata of the API's routes for the OpenAPI document: the record a route answers with (from
/// Switchyard.Client) and the error body, so the document and the client describe the same shapes.</summary>
internal static class ApiMetadata
{
    /// <summary>200 with <typeparamref name="T"/>; <paramref name="errors"/> (plus 401 for token-guarded routes) with
    /// <see cref="ApiErrorBody"/>.</summary>
    public static RouteHandlerBuilder Answers<T>(this RouteHandlerBuilder route, params int[] errors)
    {
        route.Produces<T>(StatusCodes.Status200OK);
        foreach (var status in errors.Append(StatusCodes.Status401Unauthorized).Distinct())
            route.Produces<ApiErrorBody>(status);
        return route;
    }
}
