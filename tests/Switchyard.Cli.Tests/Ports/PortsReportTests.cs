using Switchyard.Supervisor.Processes;
using Switchyard.Cli.Ports;

namespace Switchyard.Cli.Tests.Ports;

/// <summary>The verdict for each port: expected owner against the live listener.</summary>
public sealed class PortsReportTests
{
    private static readonly ConfiguredPort Bus = new(8288, "bus server", ConfiguredPort.BusServer, "port (default)", "http://127.0.0.1:8288");
    private static readonly ConfiguredPort Billing = new(3939, "app billing", ConfiguredPort.App, "GET /v1/apps", "http://127.0.0.1:3939/api/switchyard");

    private static PortListener Listener(int port, int? pid, params string[] args) =>
        new(new ListeningSocket("127.0.0.1", port, port * 10L, 1000), pid is { } p ? new SocketProcess(p, args) : null);

    private static readonly IReadOnlySet<int> None = new HashSet<int>();

    [Fact]
    public void Yard_dev_on_the_server_port_is_the_bus_server()
    {
        var status = Assert.Single(PortsReport.Build([Bus], [Listener(8288, 42, "dotnet", "/x/yard.dll", "dev")], None, 8288));
        Assert.Equal(PortStatus.Ok, status.Status);
        Assert.True(status.Matches);
        Assert.Contains("bus server ✓", status.Summary, StringComparison.Ordinal);
        Assert.Contains("pid 42", status.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_on_the_server_port_says_so_with_the_command_that_starts_it()
    {
        var status = Assert.Single(PortsReport.Build([Bus], [], None, 8288));
        Assert.Equal(PortStatus.NotListening, status.Status);
        Assert.Equal("yard dev", status.Fix);

        var other = Bus with { Port = 41234 };
        Assert.Equal("yard dev --port 41234", Assert.Single(PortsReport.Build([other], [], None)).Fix);
    }

    [Fact]
    public void Another_program_on_the_server_port_is_a_conflict_naming_it()
    {
        var status = Assert.Single(PortsReport.Build([Bus], [Listener(8288, 7, "python3", "-m", "http.server", "8288")], None));
        Assert.Equal(PortStatus.Conflict, status.Status);
        Assert.Contains("pid 7 (python3 -m http.server 8288)", status.Summary, StringComparison.Ordinal);
        Assert.Contains("stop pid 7", status.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void A_hidden_process_that_answers_as_switchyard_is_accepted_and_one_that_does_not_is_unknown()
    {
        var hidden = Listener(8288, null);
        Assert.Equal(PortStatus.Ok, Assert.Single(PortsReport.Build([Bus], [hidden], new HashSet<int> { 8288 })).Status);
        var unknown = Assert.Single(PortsReport.Build([Bus], [hidden], None));
        Assert.Equal(PortStatus.UnknownOwner, unknown.Status);
        Assert.Contains("sudo yard ports 8288", unknown.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Apps_are_ok_when_something_listens_and_not_listening_with_the_sync_command_otherwise()
    {
        var listening = PortsReport.Build([Bus, Billing], [Listener(3939, 99, "node", "server.js")], None);
        Assert.Equal(PortStatus.Ok, listening.Single(s => s.Port == 3939).Status);
        var down = PortsReport.Build([Bus, Billing], [], None).Single(s => s.Port == 3939);
        Assert.Equal(PortStatus.NotListening, down.Status);
        Assert.Contains("yard sync http://127.0.0.1:3939/api/switchyard", down.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void A_port_outside_the_configuration_is_free_or_unconfigured_and_a_stray_yard_server_is_unexpected()
    {
        Assert.Equal(PortStatus.Free, Assert.Single(PortsReport.Build([Bus], [], None, 5000)).Status);
        Assert.Equal(PortStatus.Unconfigured, Assert.Single(PortsReport.Build([Bus], [Listener(5000, 1, "nginx")], None, 5000)).Status);

        var all = PortsReport.Build([Bus], [Listener(8288, 42, "yard", "dev"), Listener(9000, 43, "yard", "server"), Listener(22, 1, "sshd")], None);
        Assert.Equal(new[] { 8288, 9000 }, all.Select(s => s.Port));
        var stray = all.Single(s => s.Port == 9000);
        Assert.Equal(PortStatus.Unexpected, stray.Status);
        Assert.Contains("--server http://127.0.0.1:9000", stray.Fix, StringComparison.Ordinal);
    }
}
