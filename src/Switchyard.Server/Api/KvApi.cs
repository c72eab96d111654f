using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Switchyard.Configuration;
using Switchyard.Engine.Storage;
using Switchyard.Client.Models;

namespace Switchyard.Server.Api;

/// <summary>A small key-value API over the store under <c>/v1/kv</c>, behind the REST API token, so bus clients (the
/// gateway without Redis) keep shared, durable state in the bus store: get, put (optional TTL, optional put-if-absent),
/// delete, list and take-all of a namespace, and leases (compare-and-set on the owner). Namespaces must start with
/// <c>gateway.</c> or <c>app.</c>, so no client can read or change the engine's own key-value state (idempotency keys,
/// rate limits, cron marks). Every read-then-write happens in one store transaction, which on PostgreSQL holds an
/// advisory lock per key, so a lease is atomic across server replicas too.</summary>
public static partial class KvApi
{
    /// <summary>Longest value, in characters.</summary>
    public const int MaxValueLength = 262_144;

    /// <summary>Longest TTL of a value (365 days).</summary>
    public const long MaxTtlMs = 365L * 24 * 3600 * 1000;

    /// <summary>Longest lease (one day).</summary>
    public const long MaxLeaseMs = 24L * 3600 * 1000;

    /// <summary>Maps <c>/v1/kv/*</c>.</summary>
    public static void MapKvApi(this IEndpointRouteBuilder app)
    {
        var kv = app.MapGroup("/v1/kv").RequireApiToken().AddEndpointFilter(BufferedAnswer.Filter);
        kv.MapGet("/{ns}", ListAsync).Answers<KvEntries>(400);
        kv.MapDelete("/{ns}", TakeAllAsync).Answers<KvEntries>(400);
        kv.MapGet("/{ns}/{key}", GetAsync).Answers<KvValue>(400, 404);
        // Bodies are read by hand (strict checks with field-named errors), so their records are declared here.
        kv.MapPut("/{ns}/{key}", PutAsync).Accepts<KvPutRequest>("application/json").Answers<KvPutResult>(400, 413);
        kv.MapDelete("/{ns}/{key}", DeleteAsync).Answers<KvDeleteResult>(400);
        kv.MapPost("/{ns}/{key}/lease", LeaseAsync).Accepts<KvLeaseRequest>("application/json").Answers<KvLeaseResult>(400, 413);
        kv.MapPost("/{ns}/{key}/release", ReleaseAsync).Accepts<KvReleaseRequest>("application/json").Answers<KvReleaseResult>(400, 413);
    }

    [GeneratedRegex(@"^(gateway|app)\.[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamespacePattern();

    private static ApiError? CheckNamespace(string ns) => NamespacePattern().IsMatch(ns)
        ? null
        : ApiError.BadRequest("invalid_namespace", "namespace must be 'gateway.<name>' or 'app.<name>' (letters, digits, '.', '_', '-'; at most 108 characters)");

    private static ApiError? CheckKey(string key) =>
        key.Length is 0 or > 256 || key.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c is '/' or '%')
            ? ApiError.BadRequest("invalid_key", "key must be 1 to 256 characters without whitespace, '/' or '%'")
            : null;

    private static ApiError? Check(string ns, string? key = null) => CheckNamespace(ns) ?? (key is null ? null : CheckKey(key));

    private static async Task<IResult> ListAsync(string ns, IStore store, CancellationToken ct)
    {
        if (Check(ns) is { } error) return error.ToResult();
        var entries = await store.Reader.KvListAsync(ns, ct);
        return Results.Json(new KvEntries(ns, Entries(entries), entries.Count));
    }

    private static async Task<IResult> TakeAllAsync(string ns, IStore store, CancellationToken ct)
    {
        if (Check(ns) is { } error) return error.ToResult();
        // Listing and deleting in one transaction: an entry is taken by exactly one caller, or left for the next.
        var taken = await store.WriteAsync(tx =>
        {
            var all = tx.KvList(ns);
            foreach (var (key, _, _) in all) tx.KvDelete(ns, key);
            return all;
        }, ct);
        return Results.Json(new KvEntries(ns, Entries(taken), taken.Count));
    }

    private static async Task<IResult> GetAsync(string ns, string key, IStore store, CancellationToken ct)
    {
        if (Check(ns, key) is { } error) return error.ToResult();
        return await store.Reader.KvGetAsync(ns, key, ct) is { } value
            ? Results.Json(new KvValue(ns, key, value))
            : ApiError.NotFound($"no live key '{key}' in namespace '{ns}'").ToResult();
    }

    private static async Task<IResult> PutAsync(string ns, string key, HttpContext http, IStore store, ServerOptions options, TimeProvider time, CancellationToken ct)
    {
        if (Check(ns, key) is { } error) return error.ToResult();
        var (body, bodyError) = await ReadObjectAsync(http, options, ct);
        if (bodyError is not null) return bodyError.ToResult();
        if (body!["value"] is not JsonValue v || v.GetValueKind() != JsonValueKind.String)
            return ApiError.BadRequest("invalid_value", "value is required and must be a string").ToResult();
        var value = v.GetValue<string>();
        if (value.Length > MaxValueLength) return ApiError.BadRequest("invalid_value", $"value must be at most {MaxValueLength} characters").ToResult();
        var (ttl, ttlError) = Milliseconds(body, "ttlMs", MaxTtlMs, required: false);
        if (ttlError is not null) return ttlError.ToResult();
        bool ifAbsent = false;
        if (body["ifAbsent"] is { } flag)
        {
            if (flag.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False)) return ApiError.BadRequest("invalid_ifAbsent", "ifAbsent must be true or false").ToResult();
            ifAbsent = flag.GetValue<bool>();
        }

        long? expiresAt = ttl is { } t ? Now(time) + t : null;
        var written = await store.WriteAsync(tx =>
        {
            if (ifAbsent && tx.KvGet(ns, key) is not null) return false;
            tx.KvPut(ns, key, value, expiresAt);
            return true;
        }, ct);
        return Results.Json(new KvPutResult(ns, key, written, written ? expiresAt : null));
    }

    private static async Task<IResult> DeleteAsync(string ns, string key, IStore store, CancellationToken ct)
    {
        if (Check(ns, key) is { } error) return error.ToResult();
        var deleted = await store.WriteAsync(tx => tx.KvDelete(ns, key), ct);
        return Results.Json(new KvDeleteResult(ns, key, deleted));
    }

    private static async Task<IResult> LeaseAsync(string ns, string key, HttpContext http, IStore store, ServerOptions options, TimeProvider time, CancellationToken ct)
    {
        if (Check(ns, key) is { } error) return error.ToResult();
        var (body, bodyError) = await ReadObjectAsync(http, options, ct);
        if (bodyError is not null) return bodyError.ToResult();
        var (owner, ownerError) = Owner(body!);
        if (ownerError is not null) return ownerError.ToResult();
        var (ttl, ttlError) = Milliseconds(body!, "ttlMs", MaxLeaseMs, required: true);
        if (ttlError is not null) return ttlError.ToResult();

        var expiresAt = Now(time) + ttl!.Value;
        // Expired entries read as absent, so an abandoned lease is free again once its TTL has passed.
        var holder = await store.WriteAsync(tx =>
        {
            var current = tx.KvGet(ns, key);
            if (current is not null && current != owner) return current;
            tx.KvPut(ns, key, owner!, expiresAt);
            return owner!;
        }, ct);
        var held = holder == owner;
        return Results.Json(new KvLeaseResult(ns, key, held, holder, held ? expiresAt : null));
    }

    private static async Task<IResult> ReleaseAsync(string ns, string key, HttpContext http, IStore store, ServerOptions options, CancellationToken ct)
    {
        if (Check(ns, key) is { } error) return error.ToResult();
        var (body, bodyError) = await ReadObjectAsync(http, options, ct);
        if (bodyError is not null) return bodyError.ToResult();
        var (owner, ownerError) = Owner(body!);
        if (ownerError is not null) return ownerError.ToResult();
        var released = await store.WriteAsync(tx => tx.KvGet(ns, key) == owner && tx.KvDelete(ns, key), ct);
        return Results.Json(new KvReleaseResult(ns, key, released));
    }

    // The store expires entries on the same clock (the server's TimeProvider), so a TTL means what it says under a fake clock too.
    private static long Now(TimeProvider time) => time.GetUtcNow().ToUnixTimeMilliseconds();

    private static List<KvEntry> Entries(IReadOnlyList<(string Key, string Value, long? ExpiresAt)> entries) =>
        entries.Select(e => new KvEntry(e.Key, e.Value, e.ExpiresAt)).ToList();

    private static (string? Owner, ApiError? Error) Owner(JsonObject body) =>
        body["owner"] is JsonValue o && o.GetValueKind() == JsonValueKind.String && o.GetValue<string>() is { Length: > 0 and <= 256 } owner
            ? (owner, null)
            : (null, ApiError.BadRequest("invalid_owner", "owner is required: a string of 1 to 256 characters"));

    private static (long? Value, ApiError? Error) Milliseconds(JsonObject body, string field, long max, bool required)
    {
        var node = body[field];
        if (node is null) return required ? (null, ApiError.BadRequest($"invalid_{field}", $"{field} is required: milliseconds between 1 and {max}")) : (null, null);
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var ms) && ms >= 1 && ms <= max) return (ms, null);
        return (null, ApiError.BadRequest($"invalid_{field}", $"{field} must be whole milliseconds between 1 and {max}"));
    }

    /// <summary>Reads a JSON object body within <c>max_body_bytes</c>; other APIs with hand-checked bodies use it too.</summary>
    internal static async Task<(JsonObject? Body, ApiError? Error)> ReadObjectAsync(HttpContext http, ServerOptions options, CancellationToken ct)
    {
        var (bytes, tooLarge) = await EventApi.ReadBodyAsync(http.Request, options.MaxBodyBytes, ct);
        if (tooLarge) return (null, new ApiError(413, "body_too_large", $"body is larger than {options.MaxBodyBytes} bytes (max_body_bytes)"));
        if (bytes.Length > 0 && Engine.Parsing.JsonLimits.Problem(bytes) is { } problem) return (null, ApiError.BadRequest("invalid_body", problem));
        if (bytes.Length > 0 && Engine.Parsing.JsonLimits.ParseChecked(bytes) is JsonObject body) return (body, null);
        return (null, ApiError.BadRequest("invalid_body", "body must be a JSON object"));
    }
}
