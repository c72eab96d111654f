using System.Net;
using System.Net.Sockets;
using System.Text;
using Switchyard.Supervisor.Logs;
using Switchyard.Supervisor.Processes;
using Switchyard.Supervisor.Tests.Infrastructure;

namespace Switchyard.Supervisor.Tests;

public sealed class ProcAndLogTests
{
    [Fact]
    public void Stat_lines_parse_even_with_odd_command_names()
    {
        var s = ProcStat.Parse("4242 (my (odd) prog) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 100");
        Assert.NotNull(s);
        Assert.Equal(4242, s.Pid);
        Assert.Equal('S', s.State);
        Assert.Equal(4242, s.ProcessGroup);
        Assert.Equal(4242, s.Session);
        Assert.Equal(987654, s.StartTicks);
        Assert.True(s.Alive);
        Assert.False(ProcStat.Parse("4242 (zombie) Z 1 4242 4242 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0")!.Alive);
        Assert.Null(ProcStat.Parse("garbage"));
    }

    [Fact]
    public void Listen_sockets_are_parsed_from_the_kernel_tables()
    {
        const string table = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0100007F:0C4F 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 55501 1 0000000000000000 100 0 0 10 0
               1: 0100007F:0C4F 0100007F:9C40 01 00000000:00000000 00:00000000 00000000  1000        0 55502 1 0000000000000000 100 0 0 10 0
               2: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 55503 1 0000000000000000 100 0 0 10 0
            """;
        var found = Assert.Single(ProcFs.ParseListening(table, 3151));
        Assert.Equal(("127.0.0.1", 1000, 55501L), found);
    }

    [Fact]
    public void The_holder_of_a_listening_port_is_found_through_proc()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var holder = Assert.Single(new ProcFs().Listeners(port));
        Assert.Equal(Environment.ProcessId, holder.Process!.Pid);
        Assert.Contains($"pid {Environment.ProcessId}", holder.Describe(), StringComparison.Ordinal);
        listener.Stop();
        Assert.Empty(new ProcFs().Listeners(port));
    }

    [Fact]
    public void Log_files_rotate_by_size_and_keep_n()
    {
        var path = Path.Combine(TempDir.Create(), "logs", "svc.out.log");
        using (var log = new RotatingLogFile(path, maxBytes: 100, keep: 2))
        {
            for (var i = 0; i < 10; i++) log.Write(Encoding.UTF8.GetBytes($"{i}:" + new string('x', 38) + "\n")); // 41 bytes each
        }
        Assert.True(new FileInfo(path).Length <= 100);
        Assert.True(File.Exists(path + ".1"));
        Assert.True(File.Exists(path + ".2"));
        Assert.False(File.Exists(path + ".3"));
        Assert.StartsWith("8:", File.ReadAllText(path), StringComparison.Ordinal);
        Assert.StartsWith("6:", File.ReadAllText(path + ".1"), StringComparison.Ordinal);
        Assert.StartsWith("4:", File.ReadAllText(path + ".2"), StringComparison.Ordinal);
    }
}
