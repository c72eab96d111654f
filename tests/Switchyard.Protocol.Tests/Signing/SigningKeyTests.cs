using Switchyard.Protocol.Signing;

namespace Switchyard.Protocol.Tests.Signing;

public sealed class SigningKeyTests
{
    private static readonly string Key = "signkey-test-" + string.Concat(Enumerable.Repeat("ab", 32));

    [Fact]
    public void The_secret_is_the_key_text_without_its_prefix()
    {
        Assert.Equal(string.Concat(Enumerable.Repeat("ab", 32)), SigningKey.Secret(Key));
        Assert.Equal("0123abcd", SigningKey.Secret("signkey-prod-0123abcd"));
        Assert.Equal("0123abcd", SigningKey.Secret("signkey-branch_1-0123abcd"));
        Assert.Equal("0123abcd", SigningKey.Secret("0123abcd"));
        // Only one prefix is removed, and only at the start.
        Assert.Equal("signkey-x-ff", SigningKey.Secret("signkey-a-signkey-x-ff"));
        Assert.Equal("ab-signkey-test-cd", SigningKey.Secret("ab-signkey-test-cd"));
        // JS's \w is ASCII: a non-ASCII env name is not a prefix.
        Assert.Equal("signkey-tést-ab", SigningKey.Secret("signkey-tést-ab"));
    }

    // Expected hashes were computed by inngest@4.24.0's hashSigningKey.
    [Fact]
    public void Hash_matches_the_js_sdk()
    {
        Assert.Equal("signkey-test-9a2db2e23f1504cd056606553ac049c5e718e8f9ce9233876df1a7a1821af885", SigningKey.Hash(Key));
        Assert.Equal("signkey-prod-55c53f5d490297900cefa825d0c8e8e9532ee8a118abe7d8570762cd38be9818", SigningKey.Hash("signkey-prod-0123456789abcdef"));
    }

    [Fact]
    public void Hash_of_a_key_without_prefix_has_no_prefix()
    {
        Assert.Equal("9a2db2e23f1504cd056606553ac049c5e718e8f9ce9233876df1a7a1821af885", SigningKey.Hash(string.Concat(Enumerable.Repeat("ab", 32))));
        Assert.Equal(64, SigningKey.Hash("not-hex-at-all").Length);
    }
}
