using System.Net;
using System.Net.Sockets;
using Switchyard.Cli.Ports;

namespace Switchyard.Cli.Tests.Ports;

/// <summary>Mapping listening sockets to processes, on a fake <c>/proc</c> tree and on the live one.</summary>
public sealed class ProcListenersTests
{
    [Fact]
    public void Sockets_are_matched_to_processes_through_fd_links_and_cmdline()
    {
        var root = TempDir.Create();
        Directory.CreateDirectory(Path.Combine(root, "net"));
        File.WriteAllText(Path.Combine(root, "net", "tcp"), """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0100007F:2060 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0000000000000000 100 0 0 10 0
               1: 0100007F:0D05 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4343 1 0000000000000000 100 0 0 10 0
               2: 0100007F:0D06 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4444 1 0000000000000000 100 0 0 10 0
            """);
        FakeProcess(root, 321, ["dotnet", "/opt/yard/yard.dll", "dev", "--port", "8288"], "socket:[4242]", "pipe:[1]", "/dev/null");
        FakeProcess(root, 654, ["node", "server.js"], "socket:[9]", "socket:[4343]");
        Directory.CreateDirectory(Path.Combine(root, "self"));

        var listeners = new ProcListeners(root).Read();

        Assert.Equal(new[] { 3333, 3334, 8288 }, listeners.Select(l => l.Socket.Port));
        var bus = listeners.Single(l => l.Socket.Port == 8288);
        Assert.Equal(321, bus.Process!.Pid);
        Assert.Equal("dotnet /opt/yard/yard.dll dev --port 8288", bus.Process.CommandLine);
        Assert.True(YardCommandLine.IsBusServer(bus.Process.Arguments));
        Assert.Equal(654, listeners.Single(l => l.Socket.Port == 3333).Process!.Pid);
        Assert.Null(listeners.Single(l => l.Socket.Port == 3334).Process);
    }

    [Fact]
    public void Without_socket_tables_the_live_view_is_unavailable()
    {
        var root = TempDir.Create();
        var proc = new ProcListeners(root);
        Assert.False(proc.Available);
        Assert.Empty(proc.Read());
    }

    [Fact]
    public void A_socket_this_process_listens_on_is_found_with_this_process()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var found = new ProcListeners().Read().Where(l => l.Socket.Port == port).ToList();

        var mine = Assert.Single(found);
        Assert.Equal("127.0.0.1", mine.Socket.Address);
        Assert.Equal(Environment.ProcessId, mine.Process?.Pid);
    }

    [Theory]
    [InlineData("dotnet /repo/src/Switchyard.Cli/bin/Debug/net10.0/yard.dll dev --port 41234", "dev", true)]
    [InlineData("/home/ada/.dotnet/tools/yard --config /etc/yard.toml server", "server", true)]
    [InlineData("yard --json ports 8288", "ports", false)]
    [InlineData("dotnet /repo/yard.dll", "", false)]
    [InlineData("node /srv/yard-app/server.js", null, false)]
    [InlineData("dotnet testhost.dll", null, false)]
    public void Yard_processes_are_recognized_by_their_command_line(string commandLine, string? subcommand, bool busServer)
    {
        var args = commandLine.Split(' ');
        Assert.Equal(subcommand, YardCommandLine.Subcommand(args));
        Assert.Equal(busServer, YardCommandLine.IsBusServer(args));
    }

    private static void FakeProcess(string root, int pid, string[] args, params string[] fds)
    {
        var dir = Path.Combine(root, pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(Path.Combine(dir, "fd"));
        File.WriteAllText(Path.Combine(dir, "cmdline"), string.Join('\0', args) + "\0");
        for (var i = 0; i < fds.Length; i++) File.CreateSymbolicLink(Path.Combine(dir, "fd", i.ToString(System.Globalization.CultureInfo.InvariantCulture)), fds[i]);
    }
}
