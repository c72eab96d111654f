namespace Switchyard.Configuration;

/// <summary>One work-queue family (<c>[queue.families.NAME]</c>): the priority its items get unless the emitter says
/// otherwise, how duplicates are dropped, how many items may be handled at once, and the handler.</summary>
public sealed class QueueFamilyOptions
{
    /// <summary>Priority of an item emitted without one (default P2).</summary>
    public QueuePriority Priority { get; set; } = QueuePriority.P2;
    /// <summary>An item whose dedup key was seen within this window is not stored again (0 = no dedup).</summary>
    public TimeSpan DedupWindow { get; set; } = TimeSpan.Zero;
    /// <summary>Dotted path into the payload whose value is the dedup key when the emitter gives none, e.g. <c>url</c>
    /// or <c>repo.id</c>.</summary>
    public string DedupPath { get; set; } = "";
    /// <summary>Most items of the family active (dispatched, handler not finished) at once. Default 1: a family is a
    /// lane that drains in order, as the system this replaces did.</summary>
    public int Concurrency { get; set; } = 1;
    /// <summary><c>event</c>, <c>pipeline</c> or <c>http</c> (required).</summary>
    public QueueHandlerKind? Handler { get; set; }
    /// <summary>The bus event the <c>event</c> handler sends.</summary>
    public string Event { get; set; } = "";
    /// <summary>The pipeline the <c>pipeline</c> handler starts.</summary>
    public string Pipeline { get; set; } = "";
    /// <summary>Where the <c>http</c> handler sends the item (<c>{family, id, priority, data}</c> as JSON).</summary>
    public string Url { get; set; } = "";
    /// <summary>HTTP method of the <c>http</c> handler (default POST).</summary>
    public string Method { get; set; } = "POST";
    /// <summary>Extra headers of the <c>http</c> handler's request.</summary>
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>How long the <c>http</c> handler waits for an answer.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>Retries after a failed dispatch (with backoff) before the item ends as failed (default 3).</summary>
    public int Retries { get; set; } = 3;
}
