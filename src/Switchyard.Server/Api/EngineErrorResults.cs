using Microsoft.AspNetCore.Http;
using Switchyard.Engine.Errors;

namespace Switchyard.Server.Api;

/// <summary>The one place engine refusals become HTTP answers.</summary>
public static class EngineErrorResults
{
    /// <summary>The HTTP status for an engine error kind.</summary>
    public static int StatusCode(this EngineError error) => error.Kind switch
    {
        EngineErrorKind.Invalid => StatusCodes.Status400BadRequest,
        EngineErrorKind.NotFound => StatusCodes.Status404NotFound,
        EngineErrorKind.Conflict => StatusCodes.Status409Conflict,
        EngineErrorKind.TooLarge => StatusCodes.Status413PayloadTooLarge,
        _ => StatusCodes.Status400BadRequest,
    };

    /// <summary>The error as an API error.</summary>
    public static ApiError ToApiError(this EngineError error) => new(error.StatusCode(), error.Code, error.Message);

    /// <summary>The HTTP result: <c>{"error":{"code","message"},"status"}</c>.</summary>
    public static IResult ToResult(this EngineError error) => error.ToApiError().ToResult();
}
