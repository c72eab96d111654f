using System.Text;
using Switchyard.Protocol.Signing;

namespace Switchyard.Protocol.Tests.Signing;

public sealed class RequestSignatureTests
{
    private static readonly string Key = "signkey-test-" + string.Concat(Enumerable.Repeat("ab", 32));
    private static readonly string Other = "signkey-test-" + string.Concat(Enumerable.Repeat("cd", 32));
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeSeconds(1795721893);
    private const string Body = """{"event":{"name":"probe/one","data":{"name":"Adé","n":1.0,"big":1e21}},"steps":{},"ctx":{"run_id":"01RUN","attempt":0}}""";

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
    private static byte[] Canonical(string s) => CanonicalJson.Canonicalize(Utf8(s));

    // Expected MACs were computed by inngest@4.24.0's signDataWithKey over the parsed body and t = 1795721893.
    [Fact]
    public void Create_matches_the_js_sdk()
    {
        Assert.Equal("t=1795721893&s=bc2e419173795c5a07ba7379276f8922fd64d338bde90bd76b2da47e0de0c50c", RequestSignature.Create(Canonical(Body), Key, At));
        Assert.Equal("t=1795721893&s=33204bdfcc14c75d6bff60c82fdb1a64e3e775ba2c3e4fb5bf2743a125d8a9c9", RequestSignature.Create([], Key, At));
    }

    [Fact]
    public void Verify_accepts_any_spelling_of_the_signed_value()
    {
        var header = RequestSignature.Create(Canonical(Body), Key, At);
        var check = RequestSignature.Verify(header, Utf8(Body), Key, null, At);
        Assert.True(check.Valid, check.Problem);
        Assert.Equal(Key, check.KeyUsed);
        // System.Text.Json-style escapes and other key order: the same value, so the same signature.
        const string respelled = """{ "steps": {}, "ctx": {"attempt": 0, "run_id": "01RUN"}, "event": {"data": {"big": 1E+21, "n": 1, "name": "Ad\u00E9"}, "name": "probe/one"} }""";
        Assert.True(RequestSignature.Verify(header, Utf8(respelled), Key, null, At).Valid);
    }

    [Fact]
    public void Verify_rejects_a_signature_over_other_content_or_the_raw_bytes()
    {
        var header = RequestSignature.Create(Canonical(Body), Key, At);
        Assert.Equal("signature does not match", RequestSignature.Verify(header, Utf8(Body.Replace("Adé", "Ade", StringComparison.Ordinal)), Key, null, At).Problem);
        var overRaw = RequestSignature.Create(Utf8(Body), Key, At);
        Assert.False(RequestSignature.Verify(overRaw, Utf8(Body), Key, null, At).Valid);
        Assert.False(RequestSignature.Verify(header, Utf8(Body), Other, null, At).Valid);
    }

    [Fact]
    public void Verify_tries_the_fallback_key_and_reports_which_key_matched()
    {
        var header = RequestSignature.Create(Canonical(Body), Other, At);
        var check = RequestSignature.Verify(header, Utf8(Body), Key, Other, At);
        Assert.True(check.Valid);
        Assert.Equal(Other, check.KeyUsed);
        Assert.False(RequestSignature.Verify(header, Utf8(Body), Key, null, At).Valid);
        Assert.False(RequestSignature.Verify(header, Utf8(Body), Key, "", At).Valid);
    }

    [Theory]
    [InlineData(-299, true)]
    [InlineData(299, true)]
    [InlineData(300, true)]
    [InlineData(301, false)]
    [InlineData(-301, false)]
    [InlineData(-600, false)]
    public void Verify_allows_five_minutes_of_clock_difference_either_way(int skewSeconds, bool valid)
    {
        var header = RequestSignature.Create(Canonical(Body), Key, At);
        var check = RequestSignature.Verify(header, Utf8(Body), Key, null, At.AddSeconds(skewSeconds));
        Assert.Equal(valid, check.Valid);
        if (!valid) Assert.Equal("signature expired", check.Problem);
    }

    [Fact]
    public void An_empty_body_signs_the_empty_string()
    {
        var header = RequestSignature.Create([], Key, At);
        Assert.True(RequestSignature.Verify(header, [], Key, null, At).Valid);
        Assert.False(RequestSignature.Verify(header, Utf8("{}"), Key, null, At).Valid);
    }

    [Theory]
    [InlineData(null, "no signature")]
    [InlineData("", "no signature")]
    [InlineData("garbage", "malformed signature")]
    [InlineData("t=1795721893", "malformed signature")]
    [InlineData("s=abcd", "malformed signature")]
    [InlineData("t=soon&s=abcd", "signature expired")]
    [InlineData("t=1795721893&s=abcd", "signature does not match")]
    public void Verify_explains_what_is_wrong(string? header, string problem)
    {
        var check = RequestSignature.Verify(header, Utf8(Body), Key, null, At);
        Assert.False(check.Valid);
        Assert.Equal(problem, check.Problem);
        Assert.Null(check.KeyUsed);
    }

    [Fact]
    public void Verify_reports_a_body_that_is_not_json()
    {
        var header = RequestSignature.Create(Utf8("{"), Key, At);
        Assert.Equal("body is not JSON", RequestSignature.Verify(header, Utf8("{"), Key, null, At).Problem);
    }

    [Fact]
    public void A_top_level_json_string_is_signed_as_its_text_as_the_js_sdk_does()
    {
        // The SDK signs a body that parses to a string as that string; an unpaired surrogate encodes as U+FFFD.
        var header = RequestSignature.Create(Utf8("hi \uFFFD"), Key, At);
        Assert.True(RequestSignature.Verify(header, Utf8("\"hi \\ud800\""), Key, null, At).Valid);
        Assert.False(RequestSignature.Verify(header, Utf8("\"hi\""), Key, null, At).Valid);
    }

    [Fact]
    public void Parameters_may_come_in_any_order()
    {
        var header = RequestSignature.Create(Canonical(Body), Key, At);
        var parts = header.Split('&');
        Assert.True(RequestSignature.Verify($"{parts[1]}&{parts[0]}", Utf8(Body), Key, null, At).Valid);
    }

    [Fact]
    public void A_signature_made_with_one_key_form_verifies_with_the_same_secret()
    {
        // The prefix is not part of the secret: a key with another env name but the same hex signs alike.
        var header = RequestSignature.Create(Canonical(Body), Key, At);
        Assert.True(RequestSignature.Verify(header, Utf8(Body), Key.Replace("signkey-test-", "signkey-prod-", StringComparison.Ordinal), null, At).Valid);
    }
}
