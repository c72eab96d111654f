namespace Switchyard.Supervisor.Processes;

/// <summary>A TCP socket in the LISTEN state, as the kernel lists it in <c>/proc/net/tcp</c> or <c>/proc/net/tcp6</c>.</summary>
/// <param name="Address">Local address it listens on (<c>0.0.0.0</c> / <c>::</c> = every interface).</param>
/// <param name="Port">Local port.</param>
/// <param name="Inode">Socket inode; <c>/proc/&lt;pid&gt;/fd/*</c> links to <c>socket:[inode]</c> in the owning process.</param>
/// <param name="Uid">User id of the socket's owner.</param>
public sealed record ListeningSocket(string Address, int Port, long Inode, int Uid);
