using System.Text.Json;
using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Channels;

/// <summary>For development: <c>console</c> writes each notification as one line to stderr (stdout belongs to the
/// CLI's output), <c>file</c> appends it as a JSON line to <c>path</c>. Both name the message with a fresh id.</summary>
public sealed class ConsoleChannel(ChannelConfig config, string stateDirectory, TimeProvider time) : IChannel, IDisposable
{
    private readonly SemaphoreSlim _write = new(1, 1);

    /// <inheritdoc />
    public string Name => Config.Name;

    /// <inheritdoc />
    public ChannelConfig Config { get; } = config;

    /// <inheritdoc />
    public ChannelHealth Health { get; } = new();

    /// <summary>The file written by a <c>file</c> channel.</summary>
    public string FilePath => Config.Path ?? Path.Combine(stateDirectory, Name + ".jsonl");

    /// <inheritdoc />
    public async Task<ChannelReceipt> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        var id = $"{Config.Type}-{Guid.CreateVersion7():N}";
        await _write.WaitAsync(cancellationToken);
        try
        {
            if (Config.Type == "file")
            {
                Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
                var line = JsonSerializer.Serialize(new
                {
                    id, at = time.GetUtcNow().ToUnixTimeMilliseconds(), channel = Name, kind = message.Kind, text = message.Text,
                    correlationId = message.CorrelationId, actions = message.Actions, chatId = message.ChatId,
                }, JsonSerializerOptions.Web);
                await File.AppendAllTextAsync(FilePath, line + "\n", cancellationToken);
            }
            else
            {
                var actions = message.Actions.Count == 0 ? "" : "  " + string.Join(" ", message.Actions.Select(a => $"[{a.Label}]"));
                await Console.Error.WriteLineAsync($"[{Name}] {message.Kind}: {message.Text}{actions}".AsMemory(), cancellationToken);
            }
        }
        catch (IOException ex)
        {
            throw new ChannelSendException($"cannot write {FilePath}: {ex.Message}", true, ex);
        }
        finally
        {
            _write.Release();
        }
        return new ChannelReceipt(Config.Type, id, message.ChatId);
    }

    /// <inheritdoc />
    public void Dispose() => _write.Dispose();
}
