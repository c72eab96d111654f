namespace Switchyard.Protocol.Dags;

/// <summary>What a DAG node does.</summary>
public enum DagHandler
{
    /// <summary>Nothing (optionally a durable <c>sleep</c>); its output is its <c>output</c> setting.</summary>
    Noop,
    /// <summary>A command run with <c>/bin/sh -c</c> on a worker of the node's role that allows shell.</summary>
    Shell,
    /// <summary>An HTTP request; the output is <c>{status, body}</c>.</summary>
    Http,
    /// <summary>Sends a bus event, optionally waiting for a reply event.</summary>
    Event,
    /// <summary>Runs a registered function and uses its result.</summary>
    Invoke,
}
