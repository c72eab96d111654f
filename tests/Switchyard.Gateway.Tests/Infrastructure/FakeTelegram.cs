using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Switchyard.Gateway.Tests.Infrastructure;

/// <summary>A Telegram Bot API stub speaking the documented HTTP API at <c>/bot&lt;token&gt;/&lt;method&gt;</c>:
/// <c>getUpdates</c> (long polling with offset confirmation; a second concurrent poller makes the first fail with 409
/// "Conflict: terminated by other getUpdates request", as Telegram does), <c>sendMessage</c> (answers the created
/// Message), <c>answerCallbackQuery</c>. Outages are switched on with <see cref="FailSends"/> / <see cref="FailPolls"/>.</summary>
public sealed class FakeTelegram : IAsyncDisposable
{
    public const string Token = "123456:TEST-token_abc";
    public const long BotId = 123456;

    private readonly Lock _gate = new();
    private readonly List<JsonObject> _updates = [];
    private readonly ConcurrentQueue<JsonObject> _sent = new();
    private WebApplication _app = null!;
    private int _nextUpdate = 1000;
    private int _nextMessage = 500;
    private int _inFlight;
    private TaskCompletionSource _newUpdate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenSource? _currentPoll;

    public Uri Url { get; private set; } = null!;

    private int _failSends;
    private int _failPolls;
    private int _sendAttempts;
    private int _polls;
    private int _conflicts;
    private int _maxConcurrentPolls;
    private int _callbackAnswers;

    /// <summary>sendMessage calls still to fail with 502 (int.MaxValue: an outage).</summary>
    public int FailSends { get => Volatile.Read(ref _failSends); set => Volatile.Write(ref _failSends, value); }

    /// <summary>getUpdates calls still to fail with 502.</summary>
    public int FailPolls { get => Volatile.Read(ref _failPolls); set => Volatile.Write(ref _failPolls, value); }

    public int SendAttempts => Volatile.Read(ref _sendAttempts);
    public int Polls => Volatile.Read(ref _polls);
    public int Conflicts => Volatile.Read(ref _conflicts);
    public int MaxConcurrentPolls => Volatile.Read(ref _maxConcurrentPolls);
    public int CallbackAnswers => Volatile.Read(ref _callbackAnswers);

    public IReadOnlyList<JsonObject> Sent => [.. _sent];

    public static async Task<FakeTelegram> StartAsync()
    {
        var fake = new FakeTelegram();
        (fake._app, fake.Url) = await StubHost.StartAsync(app => app.MapPost("/bot{token}/{method}", fake.HandleAsync));
        return fake;
    }

    /// <summary>A user writes in a chat.</summary>
    public void AddMessage(long userId, long chatId, string text)
    {
        lock (_gate)
        {
            _updates.Add(new JsonObject
            {
                ["update_id"] = ++_nextUpdate,
                ["message"] = new JsonObject
                {
                    ["message_id"] = ++_nextMessage, ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), ["text"] = text,
                    ["chat"] = new JsonObject { ["id"] = chatId, ["type"] = "private" },
                    ["from"] = new JsonObject { ["id"] = userId, ["is_bot"] = false, ["first_name"] = "User", ["username"] = $"user{userId}" },
                },
            });
            _newUpdate.TrySetResult();
        }
    }

    /// <summary>A user presses an inline button.</summary>
    public void AddCallback(long userId, long chatId, int messageId, string data)
    {
        lock (_gate)
        {
            _updates.Add(new JsonObject
            {
                ["update_id"] = ++_nextUpdate,
                ["callback_query"] = new JsonObject
                {
                    ["id"] = $"cb{_nextUpdate}", ["chat_instance"] = "ci", ["data"] = data,
                    ["from"] = new JsonObject { ["id"] = userId, ["is_bot"] = false, ["first_name"] = "User" },
                    ["message"] = new JsonObject { ["message_id"] = messageId, ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), ["chat"] = new JsonObject { ["id"] = chatId, ["type"] = "private" } },
                },
            });
            _newUpdate.TrySetResult();
        }
    }

    public Task<JsonObject> WaitForSentAsync(Func<JsonObject, bool> match, TimeSpan? timeout = null) =>
        Eventually.GetAsync(() => Task.FromResult(Sent.FirstOrDefault(match)), "a Telegram sendMessage", timeout);

    private async Task<IResult> HandleAsync(string token, string method, HttpContext http)
    {
        if (token != Token) return Error(401, "Unauthorized");
        var body = await ReadAsync(http.Request);
        switch (method)
        {
            case "getUpdates": return await GetUpdatesAsync(body, http.RequestAborted);
            case "sendMessage":
                Interlocked.Increment(ref _sendAttempts);
                if (FailSends > 0)
                {
                    if (FailSends != int.MaxValue) Interlocked.Decrement(ref _failSends);
                    return Error(502, "Bad Gateway");
                }
                var id = Interlocked.Increment(ref _nextMessage);
                var chat = body["chat_id"]!.ToString();
                var sent = new JsonObject
                {
                    ["message_id"] = id, ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), ["text"] = body["text"]?.ToString(),
                    ["chat"] = new JsonObject { ["id"] = long.Parse(chat, System.Globalization.CultureInfo.InvariantCulture), ["type"] = "private" },
                    ["from"] = new JsonObject { ["id"] = BotId, ["is_bot"] = true, ["first_name"] = "Switchyard" },
                };
                var record = (JsonObject)sent.DeepClone();
                record["reply_markup"] = body["reply_markup"]?.DeepClone();
                record["reply_parameters"] = body["reply_parameters"]?.DeepClone();
                _sent.Enqueue(record);
                return Ok(sent);
            case "answerCallbackQuery":
                Interlocked.Increment(ref _callbackAnswers);
                return Ok(true);
            case "getMe":
                return Ok(new JsonObject { ["id"] = BotId, ["is_bot"] = true, ["first_name"] = "Switchyard", ["username"] = "switchyard_bot" });
            default:
                return Error(404, "Not Found: method not found");
        }
    }

    private async Task<IResult> GetUpdatesAsync(JsonObject body, CancellationToken aborted)
    {
        Interlocked.Increment(ref _polls);
        if (FailPolls > 0)
        {
            Interlocked.Decrement(ref _failPolls);
            return Error(502, "Bad Gateway");
        }
        var offset = body["offset"]?.GetValue<int>();
        var timeout = TimeSpan.FromSeconds(body["timeout"]?.GetValue<int>() ?? 0);
        using var mine = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        lock (_gate)
        {
            // Telegram allows one getUpdates at a time per bot: the earlier request is terminated with 409.
            _currentPoll?.Cancel();
            _currentPoll = mine;
            _maxConcurrentPolls = Math.Max(_maxConcurrentPolls, ++_inFlight);
            if (offset is { } o) _updates.RemoveAll(u => u["update_id"]!.GetValue<int>() < o);
        }
        try
        {
            var deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                Task signal;
                lock (_gate)
                {
                    if (_updates.Count > 0) return Ok(new JsonArray(_updates.Select(u => (JsonNode)u.DeepClone()).ToArray()));
                    if (_newUpdate.Task.IsCompleted) _newUpdate = new(TaskCreationOptions.RunContinuationsAsynchronously);
                    signal = _newUpdate.Task;
                }
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero) return Ok(new JsonArray());
                try
                {
                    await signal.WaitAsync(left, mine.Token);
                }
                catch (TimeoutException)
                {
                    return Ok(new JsonArray());
                }
                catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
                {
                    Interlocked.Increment(ref _conflicts);
                    return Error(409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running");
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                _inFlight--;
                if (_currentPoll == mine) _currentPoll = null;
            }
        }
    }

    private static async Task<JsonObject> ReadAsync(HttpRequest request)
    {
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync();
            var o = new JsonObject();
            foreach (var (k, v) in form)
            {
                try { o[k] = JsonNode.Parse(v.ToString()); }
                catch (System.Text.Json.JsonException) { o[k] = v.ToString(); }
            }
            return o;
        }
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync();
        return string.IsNullOrWhiteSpace(text) ? [] : JsonNode.Parse(text) as JsonObject ?? [];
    }

    private static IResult Ok(JsonNode result) => Results.Json(new JsonObject { ["ok"] = true, ["result"] = result });

    private static IResult Error(int code, string description) =>
        Results.Json(new JsonObject { ["ok"] = false, ["error_code"] = code, ["description"] = description }, statusCode: code);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
