namespace Switchyard.Cli.Ports;

/// <summary>Compares configured ports with live listeners: for each port, who should listen, who does, and the fix
/// when they differ. Pure, so every verdict is testable without sockets.</summary>
public static class PortsReport
{
    /// <summary>The default bus server port.</summary>
    public const int DefaultServerPort = 8288;

    /// <summary>One status per configured port (and, without <paramref name="only"/>, one per Switchyard server
    /// listening where the configuration does not point); with <paramref name="only"/>, the status of that port alone.
    /// <paramref name="switchyardPorts"/> are ports known to answer <c>/health</c> as a Switchyard server.</summary>
    public static IReadOnlyList<PortStatus> Build(IReadOnlyList<ConfiguredPort> configured, IReadOnlyList<PortListener> listeners,
        IReadOnlySet<int> switchyardPorts, int? only = null)
    {
        var byPort = listeners.GroupBy(l => l.Socket.Port).ToDictionary(g => g.Key, g => (IReadOnlyList<PortListener>)g.ToList());
        IReadOnlyList<PortListener> On(int port) => byPort.GetValueOrDefault(port) ?? [];
        var statuses = configured
            .Where(c => only is null || c.Port == only)
            .Select(c => Judge(c, On(c.Port), switchyardPorts.Contains(c.Port)))
            .ToList();
        if (only is { } port)
        {
            if (statuses.Count == 0) statuses.Add(Unconfigured(port, On(port)));
            return statuses;
        }
        var configuredPorts = configured.Select(c => c.Port).ToHashSet();
        foreach (var (p, held) in byPort.OrderBy(kv => kv.Key))
            if (!configuredPorts.Contains(p) && held.Any(l => l.Process is { } proc && YardCommandLine.IsBusServer(proc.Arguments)))
                statuses.Add(Unconfigured(p, held));
        return statuses;
    }

    private static PortStatus Judge(ConfiguredPort expected, IReadOnlyList<PortListener> held, bool answersAsSwitchyard)
    {
        var port = expected.Port;
        var processes = Processes(held);
        if (held.Count == 0)
        {
            var fix = expected.Kind switch
            {
                ConfiguredPort.BusServer => port == DefaultServerPort ? "yard dev" : $"yard dev --port {port}",
                ConfiguredPort.App => $"start the app {Name(expected)} (it serves {expected.Url}), then `yard sync {expected.Url}`",
                ConfiguredPort.Supervisor => "start it with `yard supervise --config supervisor.toml`, or correct supervisor_url",
                _ => $"start the {expected.Owner} server at {expected.Url}, or correct {expected.ConfiguredBy}",
            };
            return new PortStatus(port, expected, held, PortStatus.NotListening, $"nothing listens on {port}; the {expected.Owner} is not running", fix);
        }
        if (expected.Kind == ConfiguredPort.BusServer)
        {
            if (processes.FirstOrDefault(p => YardCommandLine.IsBusServer(p.Arguments)) is { } yard)
                return new PortStatus(port, expected, held, PortStatus.Ok, $"bus server ✓ (yard {YardCommandLine.Subcommand(yard.Arguments)}, pid {yard.Pid})", null);
            if (answersAsSwitchyard)
                return new PortStatus(port, expected, held, PortStatus.Ok,
                    $"bus server ✓ (answers /health as Switchyard{(processes.Count > 0 ? $" through pid {processes[0].Pid}: {Brief(processes[0])}" : "")})", null);
            if (processes.Count == 0)
                return new PortStatus(port, expected, held, PortStatus.UnknownOwner,
                    $"something listens on {port}, but its process belongs to another user and it does not answer as Switchyard",
                    $"sudo yard ports {port} (to see the process), or `ss -ltnp 'sport = :{port}'`");
            return new PortStatus(port, expected, held, PortStatus.Conflict,
                $"held by pid {processes[0].Pid} ({Brief(processes[0])}), which is not a Switchyard server",
                $"stop pid {processes[0].Pid}, or run the server on another port: yard dev --port <free port> (and use --server)");
        }
        var owner = processes.Count > 0 ? $" (pid {processes[0].Pid}: {Brief(processes[0])})" : " (process of another user)";
        if (processes.FirstOrDefault(p => YardCommandLine.IsBusServer(p.Arguments)) is { } server)
            return new PortStatus(port, expected, held, PortStatus.Conflict, $"the {expected.Owner}'s port is held by a Switchyard server (pid {server.Pid})",
                $"move the app or the server to another port, then `yard sync <app url>`");
        return new PortStatus(port, expected, held, PortStatus.Ok, $"{expected.Owner} ✓{owner}", null);
    }

    private static PortStatus Unconfigured(int port, IReadOnlyList<PortListener> held)
    {
        if (held.Count == 0)
            return new PortStatus(port, null, held, PortStatus.Free, $"nothing listens on {port}, and Switchyard is not configured to use it", null);
        var processes = Processes(held);
        if (processes.FirstOrDefault(p => YardCommandLine.IsBusServer(p.Arguments)) is { } yard)
            return new PortStatus(port, null, held, PortStatus.Unexpected,
                $"a Switchyard server (yard {YardCommandLine.Subcommand(yard.Arguments)}, pid {yard.Pid}) listens here, but the configuration points elsewhere",
                $"use --server http://127.0.0.1:{port} (or set server_url / port), or stop pid {yard.Pid}");
        var owner = processes.Count > 0 ? $"pid {processes[0].Pid} ({Brief(processes[0])})" : "a process of another user";
        return new PortStatus(port, null, held, PortStatus.Unconfigured, $"held by {owner}; not a port Switchyard is configured to use", null);
    }

    private static List<SocketProcess> Processes(IReadOnlyList<PortListener> held) =>
        held.Where(l => l.Process is not null).Select(l => l.Process!).DistinctBy(p => p.Pid).ToList();

    private static string Name(ConfiguredPort c) => c.Owner.StartsWith("app ", StringComparison.Ordinal) ? c.Owner[4..] : c.Owner;

    private static string Brief(SocketProcess p)
    {
        var line = p.Short;
        return line.Length <= 80 ? line : line[..79] + "…";
    }
}
