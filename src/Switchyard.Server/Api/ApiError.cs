using Microsoft.AspNetCore.Http;
using Switchyard.Client.Models;

namespace Switchyard.Server.Api;

/// <summary>A client error answered as <c>{"error":{"code","message"}}</c>. Messages name the offending field.</summary>
/// <param name="Status">HTTP status.</param>
/// <param name="Code">Stable machine-readable code.</param>
/// <param name="Message">Human explanation naming the field.</param>
public sealed record ApiError(int Status, string Code, string Message)
{
    /// <summary>The HTTP result.</summary>
    public IResult ToResult() => Results.Json(new ApiErrorBody(new ApiErrorDetail(Code, Message), Status), statusCode: Status);

    /// <summary>400 with a code and message.</summary>
    public static ApiError BadRequest(string code, string message) => new(StatusCodes.Status400BadRequest, code, message);

    /// <summary>404.</summary>
    public static ApiError NotFound(string what) => new(StatusCodes.Status404NotFound, "not_found", what);
}
