using System.Text.Json.Serialization;

namespace Switchyard.Client.Models;

/// <summary>One live key of a <c>/v1/kv</c> namespace.</summary>
/// <param name="Key">The key.</param>
/// <param name="Value">Its value.</param>
/// <param name="ExpiresAt">Expiry, Unix ms.</param>
public sealed record KvEntry(string Key, string Value, long? ExpiresAt);

/// <summary><c>GET /v1/kv/{ns}</c> (list) and <c>DELETE /v1/kv/{ns}</c> (take all).</summary>
/// <param name="Namespace">The namespace.</param>
/// <param name="Entries">Its live entries.</param>
/// <param name="Count">How many.</param>
public sealed record KvEntries(string Namespace, IReadOnlyList<KvEntry> Entries, int Count);

/// <summary><c>GET /v1/kv/{ns}/{key}</c>.</summary>
/// <param name="Namespace">The namespace.</param>
/// <param name="Key">The key.</param>
/// <param name="Value">Its value.</param>
public sealed record KvValue(string Namespace, string Key, string Value);

/// <summary><c>PUT /v1/kv/{ns}/{key}</c> body.</summary>
/// <param name="Value">The value (at most 262 144 characters).</param>
/// <param name="TtlMs">Time to live in ms (at most 365 days); none = no expiry.</param>
/// <param name="IfAbsent">Write only when no live value exists.</param>
public sealed record KvPutRequest(string Value,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? TtlMs = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? IfAbsent = null);

/// <summary><c>PUT /v1/kv/{ns}/{key}</c>.</summary>
/// <param name="Namespace">The namespace.</param>
/// <param name="Key">The key.</param>
/// <param name="Written">False when <c>ifAbsent</c> found a live value.</param>
/// <param name="ExpiresAt">Expiry of the written value, Unix ms.</param>
public sealed record KvPutResult(string Namespace, string Key, bool Written, long? ExpiresAt);

/// <summary><c>DELETE /v1/kv/{ns}/{key}</c>.</summary>
/// <param name="Namespace">The namespace.</param>
/// <param name="Key">The key.</param>
/// <param name="Deleted">A value was there.</param>
public sealed record KvDeleteResult(string Namespace, string Key, bool Deleted);

/// <summary><c>POST /v1/kv/{ns}/{key}/lease</c> body.</summary>
/// <param name="Owner">Who asks (1 to 256 characters).</param>
/// <param name="TtlMs">Lease length in ms (at most one day).</param>
public sealed record KvLeaseRequest(string Owner, long TtlMs);

/// <summary><c>POST /v1/kv/{ns}/{key}/lease</c>: compare-and-set on the owner.</summary>
/// <param name="Namespace">The namespace.</param>
/// <param name="Key">The key.</param>
/// <param name="Held">The asker holds the lease now.</param>
/// <param name="Owner">Who holds it.</param>
/// <param name="ExpiresAt">Its expiry when held, Unix ms.</param>
public sealed record KvLeaseResult(string Namespace, string Key, bool Held, string Owner, long? ExpiresAt);

/// <summary><c>POST /v1/kv/{ns}/{key}/release</c> body.</summary>
/// <param name="Owner">Who releases; only the holder can.</param>
public sealed record KvReleaseRequest(string Owner);

/// <summary><c>POST /v1/kv/{ns}/{key}/release</c>.</summary>
/// <param name="Namespace">The namespace.</param>
/// <param name="Key">The key.</param>
/// <param name="Released">The asker held it and it is free now.</param>
public sealed record KvReleaseResult(string Namespace, string Key, bool Released);
