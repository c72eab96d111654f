using System.Net;
using System.Net.Http.Json;
using Switchyard.Compat.Tests.Infrastructure;
using Switchyard.Protocol.Signing;

namespace Switchyard.Compat.Tests;

/// <summary>Async checkpointing with signing on: the SDK authenticates its checkpoints with the hash of its signing
/// key, and nothing else is accepted.</summary>
public sealed class SignedModeCheckpointingTests(SignedModeFixture fixture) : CheckpointingTests(fixture), IClassFixture<SignedModeFixture>
{
    protected override string? CheckpointBearer => SigningKey.Hash(SignedModeFixture.SigningKey);

    [Theory]
    [InlineData(null)]
    [InlineData(SignedModeFixture.ApiToken)]
    public async Task A_checkpoint_without_the_signing_key_is_refused(string? bearer)
    {
        var runId = await F.StartRunAsync("compat/ckpt-steps", new { }, "compat-js-ckpt-steps");
        using var http = new HttpClient { BaseAddress = F.Server.Url };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/checkpoint/{runId}/async")
        {
            Content = JsonContent.Create(new { run_id = runId, qi_id = "x", steps = Array.Empty<object>() }),
        };
        if (bearer is not null) request.Headers.Authorization = new("Bearer", bearer);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
