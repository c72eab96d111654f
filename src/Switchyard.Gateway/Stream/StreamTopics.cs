namespace Switchyard.Gateway.Stream;

/// <summary>What a stream client can subscribe to, and which messages each subscription receives:
/// <c>session:&lt;id&gt;</c> (notifications for that session), <c>events</c> or <c>events:&lt;name prefix&gt;</c> (bus
/// events), <c>runs</c> or <c>runs:&lt;function id prefix&gt;</c> (run status changes), <c>gateway</c> (deliveries,
/// inbound messages, channel health), and <c>*</c> (everything).</summary>
public static class StreamTopics
{
    /// <summary>Null when <paramref name="subscription"/> is valid, else what is wrong with it.</summary>
    public static string? Problem(string subscription) => subscription switch
    {
        { Length: > 256 } => "a topic may be at most 256 characters",
        _ when subscription.Any(char.IsControl) => "a topic may not contain control characters (NUL, newlines)",
        "*" or "gateway" or "events" or "runs" => null,
        _ when subscription.StartsWith("session:", StringComparison.Ordinal) && subscription.Length > 8 => null,
        _ when subscription.StartsWith("events:", StringComparison.Ordinal) || subscription.StartsWith("runs:", StringComparison.Ordinal) => null,
        _ => $"unknown topic '{subscription}': use session:<id>, events[:<prefix>], runs[:<function prefix>], gateway or *",
    };

    /// <summary>Whether <paramref name="subscription"/> receives a message on <paramref name="topic"/>.</summary>
    public static bool Matches(string subscription, string topic)
    {
        if (subscription == "*") return true;
        if (subscription == topic) return true;
        if (subscription.StartsWith("events", StringComparison.Ordinal) && topic.StartsWith("event:", StringComparison.Ordinal))
            return subscription == "events" || (subscription.Length > 7 && topic.AsSpan(6).StartsWith(subscription.AsSpan(7), StringComparison.Ordinal));
        if (subscription.StartsWith("runs", StringComparison.Ordinal) && topic.StartsWith("run:", StringComparison.Ordinal))
            return subscription == "runs" || (subscription.Length > 5 && topic.AsSpan(4).StartsWith(subscription.AsSpan(5), StringComparison.Ordinal));
        return false;
    }

    /// <summary>Whether any subscription needs bus events.</summary>
    public static bool WantsEvents(string subscription) => subscription is "*" || subscription.StartsWith("events", StringComparison.Ordinal);

    /// <summary>Whether any subscription needs run changes.</summary>
    public static bool WantsRuns(string subscription) => subscription is "*" || subscription.StartsWith("runs", StringComparison.Ordinal);
}
