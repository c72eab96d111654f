using Switchyard.Supervisor.Processes;
namespace Switchyard.Cli.Ports;

/// <summary>A listening socket and, when this user may see it, the process that holds it.</summary>
/// <param name="Socket">The socket.</param>
/// <param name="Process">Its process, or null when it belongs to another user's process (or one that just exited).</param>
public sealed record PortListener(ListeningSocket Socket, SocketProcess? Process);
