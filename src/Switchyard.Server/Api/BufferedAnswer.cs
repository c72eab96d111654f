using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Switchyard.Server.Api;

/// <summary>Serializes a JSON answer completely before its status line is written. <c>Results.Json</c> streams: when
/// serialization fails halfway (a value too deep, a string that is not valid UTF-16), the client has already received
/// <c>200</c> and gets a body cut off mid-way. Buffered, such a failure is a whole error answer instead.</summary>
internal static class BufferedAnswer
{
    /// <summary>Endpoint filter: replaces a streamed JSON result by its serialized bytes.</summary>
    public static async ValueTask<object?> Filter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        if (result is not (IValueHttpResult { Value: { } value } and IStatusCodeHttpResult answer) || !IsJson(result)) return result;
        var options = context.HttpContext.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        byte[] bytes;
        try
        {
            bytes = JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), options);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            return new ApiError(StatusCodes.Status500InternalServerError, "unrenderable", $"the answer could not be serialized: {ex.Message}").ToResult();
        }
        return new Serialized(bytes, answer.StatusCode ?? StatusCodes.Status200OK);
    }

    /// <summary>A JSON body already serialized: status and length go out first, then every byte.</summary>
    private sealed class Serialized(byte[] bytes, int status) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = "application/json; charset=utf-8";
            httpContext.Response.ContentLength = bytes.Length;
            return httpContext.Response.Body.WriteAsync(bytes).AsTask();
        }
    }

    private static bool IsJson(object result)
    {
        var type = result.GetType();
        return type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(JsonHttpResult<>) || type.GetGenericTypeDefinition() == typeof(Ok<>));
    }
}
