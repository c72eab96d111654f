namespace Switchyard.Protocol.Dags;

/// <summary>The bounds a DAG must stay within; documented in the README (DAG runs).</summary>
public static class DagLimits
{
    /// <summary>Most nodes in one DAG.</summary>
    public const int MaxNodes = 1000;
    /// <summary>Longest node id.</summary>
    public const int MaxIdLength = 100;
    /// <summary>Most dependencies of one node.</summary>
    public const int MaxDependencies = 100;
    /// <summary>Most retries of one node.</summary>
    public const int MaxRetries = 20;
    /// <summary>Largest serialized config of one node, in bytes.</summary>
    public const int MaxConfigBytes = 64 * 1024;
    /// <summary>Longest request id.</summary>
    public const int MaxRequestIdLength = 200;
    /// <summary>Most nodes running at once, the highest <c>maxParallel</c> accepted.</summary>
    public const int MaxParallel = 256;
    /// <summary><c>maxParallel</c> when not given.</summary>
    public const int DefaultMaxParallel = 16;
    /// <summary>Longest timeout of one attempt.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromDays(1);
    /// <summary>Wait before the first retry when not given; doubles for each later one.</summary>
    public static readonly TimeSpan DefaultRetryDelay = TimeSpan.FromSeconds(1);
    /// <summary>The role a shell node runs on when not given.</summary>
    public const string DefaultRole = "host";
    /// <summary>Roles a shell node may name.</summary>
    public static IReadOnlyList<string> Roles { get; } = ["host", "cluster"];
}
