namespace Switchyard.Server.Tests.Deploy;

/// <summary>deploy/systemd: every unit passes <c>systemd-analyze verify</c> with no complaint at all (it exits 0 on an
/// unknown directive and only prints it, so any output fails), and carries the settings issue 18 asks of each.</summary>
public sealed class SystemdUnitTests
{
    private static readonly string[] Units = ["yard-server.service", "yard-worker@.service", "yard-gateway.service", "yard-supervisor.service"];

    [Fact]
    public async Task Every_unit_passes_systemd_analyze_verify()
    {
        var (code, output) = await VerifyAsync(_ => { });
        Assert.True(code == 0 && output.Length == 0, $"systemd-analyze verify exited {code}:\n{output}");
    }

    [Fact]
    public async Task Verify_catches_a_typo_in_a_directive()
    {
        // The check above is only worth something if a misspelt key fails it: systemd would silently ignore it.
        var (_, output) = await VerifyAsync(dir =>
        {
            var file = System.IO.Path.Combine(dir, "yard-server.service");
            File.WriteAllText(file, File.ReadAllText(file).Replace("ProtectHome=yes", "ProtectHom=yes", StringComparison.Ordinal));
        });
        Assert.Contains("Unknown key 'ProtectHom'", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("yard-server.service")]
    [InlineData("yard-worker@.service")]
    [InlineData("yard-gateway.service")]
    [InlineData("yard-supervisor.service")]
    public void Unit_runs_the_published_binary_unprivileged_with_state_secrets_restart_and_hardening(string unit)
    {
        var lines = File.ReadAllLines(DeployFiles.Path("systemd", unit)).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        string[] required =
        [
            "User=switchyard", "StateDirectory=switchyard/", "EnvironmentFile=-/etc/switchyard/", "Restart=on-failure",
            "ExecStart=/usr/local/bin/yard ", "NoNewPrivileges=yes", "ProtectSystem=", "ProtectHome=", "PrivateTmp=yes",
            "ProtectKernelTunables=yes", "RestrictAddressFamilies=", "SyslogIdentifier=",
        ];
        Assert.Equal([], required.Where(r => !lines.Any(l => l.StartsWith(r, StringComparison.Ordinal))).ToList());
        // Type=notify only where the process sends READY=1: the server wires Microsoft.Extensions.Hosting.Systemd.
        Assert.Contains(unit == "yard-server.service" ? "Type=notify" : "Type=exec", lines);
    }

    /// <summary>Copies the units to a temporary directory with ExecStart pointed at an executable stub (verify refuses a
    /// missing binary, and /usr/local/bin/yard exists only where Switchyard is installed), instantiates the worker
    /// template as <c>yard-worker@host</c>, applies <paramref name="change"/>, and verifies them all.</summary>
    private static async Task<(int Code, string Output)> VerifyAsync(Action<string> change)
    {
        var dir = TempDir.Create();
        var stub = System.IO.Path.Combine(dir, "yard");
        await File.WriteAllTextAsync(stub, "#!/bin/sh\nexit 0\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(stub, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
        var names = new List<string>();
        foreach (var unit in Units)
        {
            var name = unit.Replace("@.", "@host.", StringComparison.Ordinal);
            var text = (await File.ReadAllTextAsync(DeployFiles.Path("systemd", unit))).Replace("/usr/local/bin/yard", stub, StringComparison.Ordinal);
            await File.WriteAllTextAsync(System.IO.Path.Combine(dir, name), text);
            names.Add(name);
        }
        change(dir);
        var (code, stdout, stderr) = await DeployFiles.RunAsync("systemd-analyze", ["verify", "--man=no", "--generators=no", .. names], dir);
        return (code, (stdout + stderr).Trim());
    }
}
