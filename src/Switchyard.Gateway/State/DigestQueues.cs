namespace Switchyard.Gateway.State;

/// <summary>The names of the two digest queues.</summary>
public static class DigestQueues
{
    /// <summary>Non-alert notifications deferred while the gateway sleeps; flushed on wake.</summary>
    public const string Sleep = "sleep";

    /// <summary>Notifications of routes with <c>delivery = "digest"</c>; flushed every <c>digest_interval</c> and on wake.</summary>
    public const string Digest = "digest";
}
