using System.Text.Json.Nodes;
using Switchyard.Configuration;
using Switchyard.Engine.Model;

namespace Switchyard.Engine.Work;

/// <summary>The <c>http</c> handler's request: <c>{family, id, priority, attempt, data}</c> as JSON to the family's
/// URL with its method and headers, plus <c>Idempotency-Key: queue:{id}</c>. A 2xx answer is done; anything else
/// (another status, no answer within the timeout, a refused connection) is a failed attempt with the reason.</summary>
public sealed class WorkHttpSender(IHttpClientFactory httpClients, TimeProvider time)
{
    /// <summary>The named <see cref="HttpClient"/> of the <c>http</c> handler.</summary>
    public const string HttpClientName = "switchyard.queue";

    /// <summary>Sends <paramref name="item"/>; exactly one of the answers is set.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (shutdown).</exception>
    public async Task<(string? Result, string? Error)> SendAsync(WorkItem item, QueueFamilyOptions family, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(family.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var request = new HttpRequestMessage(new HttpMethod(family.Method.ToUpperInvariant()), family.Url)
            {
                Content = new StringContent(new JsonObject
                {
                    ["family"] = item.Family,
                    ["id"] = item.Id,
                    ["priority"] = item.Priority.ToString(),
                    ["attempt"] = item.Attempt,
                    ["data"] = JsonNode.Parse(item.Data),
                }.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
            };
            foreach (var (name, value) in family.Headers)
                if (!request.Headers.TryAddWithoutValidation(name, value)) request.Content.Headers.TryAddWithoutValidation(name, value);
            // The receiver can drop a repeat (a retry after an answer that was lost) by this key.
            if (!family.Headers.ContainsKey("Idempotency-Key")) request.Headers.TryAddWithoutValidation("Idempotency-Key", "queue:" + item.Id);
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, linked.Token);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode) return ($"HTTP {status}", null);
            var body = await response.Content.ReadAsStringAsync(linked.Token);
            return (null, $"HTTP {status}{(body.Length == 0 ? "" : ": " + (body.Length > 300 ? body[..300] : body))}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, $"no answer from {family.Url} within {ConfigDuration.Format(family.Timeout)}");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Unreachable, refused, a malformed answer: every failure of the request is a failed attempt.
            return (null, $"{family.Url}: {ex.Message}");
        }
    }
}
