using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Switchyard.Supervisor.Configuration;
using Switchyard.Supervisor.Hosting;
using Switchyard.Supervisor.Logs;
using Switchyard.Supervisor.Processes;
using Switchyard.Supervisor.Telemetry;

namespace Switchyard.Supervisor.Supervision;

/// <summary>Keeps one service alive. Each attempt: reclaim the previous supervisor's orphan (pid file) → preflight →
/// wait while the port is held by a stranger → spawn → monitor (exit, liveness checks, one startup sync) → stop;
/// then wait the backoff (doubling to the cap, reset by a healthy check) and go again, until the supervisor stops.</summary>
internal sealed class ServiceSupervisor : IDisposable
{
    private readonly ServiceConfig _svc;
    private readonly SupervisorTelemetry _telemetry;
    private readonly HttpClient _http;
    private readonly ProcFs _proc;
    private readonly SupervisorOptions _options;
    private readonly ILogger _logger;
    private readonly RotatingLogFile _stdout;
    private readonly RotatingLogFile _stderr;
    private readonly string _pidPath;
    private readonly Lock _lock = new();
    private ServiceState _state = ServiceState.Pending;
    private ChildProcess? _child;
    private int _spawns;
    private int _failures;
    private ServiceFailure? _lastFailure;
    private DateTimeOffset? _nextRestartAt;
    private DateTimeOffset? _lastHealthyAt;
    private int? _lastExitCode;
    private TimeSpan _backoff;

    public ServiceSupervisor(ServiceConfig service, SupervisorConfig root, SupervisorTelemetry telemetry, HttpClient http, ProcFs proc,
        SupervisorOptions options, ILogger logger)
    {
        _svc = service;
        _telemetry = telemetry;
        _http = http;
        _proc = proc;
        _options = options;
        _logger = logger;
        _backoff = service.RestartBackoff;
        _stdout = new RotatingLogFile(service.StdoutLog, service.LogMaxBytes, service.LogKeep);
        _stderr = new RotatingLogFile(service.StderrLog, service.LogMaxBytes, service.LogKeep);
        _pidPath = Path.Combine(root.StateDirectory, service.Name + ".pid");
    }

    public ServiceConfig Config => _svc;

    private DateTimeOffset Now => _options.Time.GetUtcNow();

    /// <summary>The service as <c>GET /status</c> shows it.</summary>
    public ServiceStatus Snapshot()
    {
        lock (_lock)
        {
            var now = Now;
            return new ServiceStatus(_svc.Name, _state.ToString(), _child?.Pid, _child?.StartedAt,
                _child is { } c ? Math.Round((now - c.StartedAt).TotalSeconds, 1) : null,
                Math.Max(0, _spawns - 1), _failures, _lastFailure, _nextRestartAt, _backoff.TotalSeconds, _lastExitCode, _lastHealthyAt,
                _svc.Port, _svc.LivenessUrl?.ToString(), string.Join(' ', [_svc.Command, .. _svc.Args]), _svc.StdoutLog, _svc.StderrLog);
        }
    }

    /// <summary>Supervises until <paramref name="stopping"/> is cancelled; returns once no child is left.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                bool again;
                try
                {
                    again = await AttemptAsync(stopping);
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex)
                {
                    // A bug in one attempt must not end supervision of this or any other service.
                    _logger.LogError(ex, "{Service}: supervision attempt failed", _svc.Name);
                    Failure("supervisor.error", "error", ex.Message);
                    again = true;
                }
                if (!again || stopping.IsCancellationRequested || !await BackoffAsync(stopping)) break;
            }
        }
        finally
        {
            if (_child is { } child) await StopChildAsync(child, "supervisor stopping");
            Set(ServiceState.Stopped);
        }
    }

    /// <summary>One attempt. True: restart after the backoff; false: the supervisor is stopping.</summary>
    private async Task<bool> AttemptAsync(CancellationToken ct)
    {
        if (!await ReclaimAsync(ct)) return false;

        IReadOnlyDictionary<string, string> env;
        try
        {
            env = Environment();
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            Failure("supervisor.child.spawn_failed", "error", ex.Message);
            return true;
        }

        if (_svc.Preflight is { } preflight && !await PreflightAsync(preflight, env, ct)) return !ct.IsCancellationRequested;
        if (!await WaitForPortAsync(ct)) return false;

        ChildProcess child;
        try
        {
            child = ChildProcess.Start([_svc.Command, .. _svc.Args], _svc.WorkingDirectory, env, _stdout, _stderr, _proc, _options.Time);
        }
        catch (Exception ex) when (ex is IOException or System.ComponentModel.Win32Exception or InvalidOperationException or UnauthorizedAccessException)
        {
            Failure("supervisor.child.spawn_failed", "error", ex.Message, new JsonObject { ["command"] = _svc.Command });
            return true;
        }
        int restarts;
        lock (_lock)
        {
            _child = child;
            _spawns++;
            _failures = 0;
            _state = _svc.LivenessUrl is null ? ServiceState.Running : ServiceState.Starting;
            restarts = _spawns - 1;
        }
        try
        {
            new PidFile(child.Pid, child.Group.LeaderStartTicks, child.Group.OwnGroup, _proc.BootId(), _svc.Name, child.CommandLine, child.StartedAt,
                System.Environment.ProcessId, _proc.Stat(System.Environment.ProcessId)?.StartTicks ?? 0).Write(_pidPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning("{Service}: pid file {Path} not written ({Error}); a later supervisor will not recognise this child", _svc.Name, _pidPath, ex.Message);
        }
        _stderr.Note(Now, $"spawned pid {child.Pid}: {child.CommandLine}");
        _telemetry.Emit("info", _svc.Name, "supervisor.child.spawned", success: true, metadata: new JsonObject
        {
            ["pid"] = child.Pid, ["command"] = child.CommandLine, ["restarts"] = restarts, ["ownGroup"] = child.Group.OwnGroup,
        });
        return await MonitorAsync(child, ct);
    }

    private async Task<bool> MonitorAsync(ChildProcess child, CancellationToken ct)
    {
        var fast = _options.StartupProbeInterval < _svc.HealthInterval ? _options.StartupProbeInterval : _svc.HealthInterval;
        var spawnedAt = child.StartedAt;
        DateTimeOffset? syncAt = _svc.SyncUrl is null ? null : spawnedAt + _svc.StartupSyncDelay;
        // Without a liveness URL, staying up one interval is what counts as a healthy check.
        var nextCheck = spawnedAt + (_svc.LivenessUrl is null ? _svc.HealthInterval : fast);
        var everHealthy = false;
        while (true)
        {
            var due = syncAt is { } s && s < nextCheck ? s : nextCheck;
            var wait = due - Now;
            await WithinAsync(child.Exited, wait > TimeSpan.Zero ? wait : TimeSpan.Zero, ct);
            if (ct.IsCancellationRequested)
            {
                await StopChildAsync(child, "supervisor stopping");
                return false;
            }
            if (child.Exited.IsCompleted) return await ChildExitedAsync(child);

            var now = Now;
            if (syncAt is { } sync && now >= sync)
            {
                syncAt = null;
                await SyncAsync(child, ct);
                continue;
            }
            if (now < nextCheck) continue;
            if (_svc.LivenessUrl is not { } liveness)
            {
                if (!everHealthy) ResetBackoff();
                everHealthy = true;
                nextCheck = now + _svc.HealthInterval;
                continue;
            }

            var (ok, error, ms) = await ProbeAsync(HttpMethod.Get, liveness, ct);
            if (ct.IsCancellationRequested || child.Exited.IsCompleted) continue;
            now = Now;
            if (ok)
            {
                bool recovered;
                lock (_lock)
                {
                    recovered = _state != ServiceState.Healthy;
                    _state = ServiceState.Healthy;
                    _failures = 0;
                    _lastHealthyAt = now;
                }
                ResetBackoff();
                if (recovered)
                    _telemetry.Emit("info", _svc.Name, "supervisor.child.healthy", success: true, durationMs: ms, metadata: new JsonObject
                    {
                        ["pid"] = child.Pid, ["url"] = liveness.ToString(), ["startupMs"] = everHealthy ? null : Math.Round((now - spawnedAt).TotalMilliseconds),
                    });
                everHealthy = true;
                nextCheck = now + _svc.HealthInterval;
                continue;
            }
            if (!everHealthy && now - spawnedAt < _svc.StartupTimeout)
            {
                nextCheck = now + fast; // still starting: not answering yet is expected
                continue;
            }
            int failures;
            lock (_lock)
            {
                failures = ++_failures;
                _state = ServiceState.Unhealthy;
            }
            _telemetry.Emit("warn", _svc.Name, "supervisor.health.failed", error, success: false, durationMs: ms, metadata: new JsonObject
            {
                ["pid"] = child.Pid, ["url"] = liveness.ToString(), ["failures"] = failures, ["threshold"] = _svc.FailuresBeforeRestart,
            });
            if (failures >= _svc.FailuresBeforeRestart)
            {
                Failure("supervisor.health.restart", "warn", $"liveness failed {failures} times in a row: {error}", new JsonObject
                {
                    ["pid"] = child.Pid, ["url"] = liveness.ToString(), ["failures"] = failures,
                });
                await StopChildAsync(child, "liveness failed");
                return true;
            }
            nextCheck = now + _svc.HealthInterval;
        }
    }

    private async Task<bool> ChildExitedAsync(ChildProcess child)
    {
        var code = await child.Exited;
        var uptime = Now - child.StartedAt;
        _stderr.Note(Now, $"pid {child.Pid} exited with code {code}");
        Failure("supervisor.child.exited", "warn", $"exited with code {code}{SignalName(code)} after {uptime.TotalSeconds:0.#} s", new JsonObject
        {
            ["pid"] = child.Pid, ["exitCode"] = code, ["uptimeMs"] = Math.Round(uptime.TotalMilliseconds),
        });
        // Its background jobs would otherwise keep the port or duplicate the work of the next child.
        var leftovers = child.Group.Members().Count;
        if (leftovers > 0) await child.Group.StopAsync(_svc.StopTimeout);
        PidFile.Delete(_pidPath);
        ClearChild(code);
        child.Dispose();
        return true;
    }

    private async Task StopChildAsync(ChildProcess child, string reason)
    {
        Set(ServiceState.Stopping);
        var started = Now;
        var forced = await child.Group.StopAsync(_svc.StopTimeout);
        await WithinAsync(child.Exited, TimeSpan.FromSeconds(2), CancellationToken.None);
        int? code = child.Exited.IsCompleted ? await child.Exited : null;
        PidFile.Delete(_pidPath);
        _stderr.Note(Now, $"stopped pid {child.Pid} ({reason}){(forced ? " with SIGKILL after " + _svc.StopTimeout.TotalSeconds + " s" : "")}");
        _telemetry.Emit("info", _svc.Name, "supervisor.child.stopped", success: true, durationMs: (Now - started).TotalMilliseconds, metadata: new JsonObject
        {
            ["pid"] = child.Pid, ["exitCode"] = code, ["forced"] = forced, ["reason"] = reason,
        });
        ClearChild(code);
        child.Dispose();
    }

    private async Task<bool> PreflightAsync(IReadOnlyList<string> argv, IReadOnlyDictionary<string, string> env, CancellationToken ct)
    {
        Set(ServiceState.Preflight);
        var started = Now;
        var command = string.Join(' ', argv);
        _stderr.Note(started, $"preflight: {command}");
        ChildProcess check;
        try
        {
            check = ChildProcess.Start(argv, _svc.WorkingDirectory, env, _stderr, _stderr, _proc, _options.Time);
        }
        catch (Exception ex) when (ex is IOException or System.ComponentModel.Win32Exception or InvalidOperationException or UnauthorizedAccessException)
        {
            Failure("supervisor.preflight.failed", "error", ex.Message, new JsonObject { ["command"] = command });
            return false;
        }
        using (check)
        {
            var finished = await WithinAsync(check.Exited, _svc.PreflightTimeout, ct);
            // Whatever the preflight left running (build servers, background jobs) goes with it.
            await check.Group.StopAsync(_svc.StopTimeout);
            if (ct.IsCancellationRequested) return false;
            var ms = (Now - started).TotalMilliseconds;
            var code = finished ? await check.Exited : (int?)null;
            if (code == 0)
            {
                _telemetry.Emit("debug", _svc.Name, "supervisor.preflight.passed", success: true, durationMs: ms, metadata: new JsonObject { ["command"] = command });
                return true;
            }
            var reason = code is null ? $"preflight did not finish within {_svc.PreflightTimeout.TotalSeconds} s" : $"preflight exited with code {code}";
            _stderr.Note(Now, reason);
            Failure("supervisor.preflight.failed", "error", $"{reason}: {command} (output in {_svc.StderrLog})", new JsonObject
            {
                ["command"] = command, ["exitCode"] = code,
            }, ms);
            return false;
        }
    }

    /// <summary>Stops the orphan a previous supervisor left (named by the pid file), unless that supervisor still
    /// runs: then the service is its business and this one waits. False when stopping.</summary>
    private async Task<bool> ReclaimAsync(CancellationToken ct)
    {
        string? announced = null;
        while (true)
        {
            var previous = PidFile.Read(_pidPath);
            if (previous is null) return true;
            if (previous.BootId is not null && _proc.BootId() is { } boot && boot != previous.BootId)
            {
                PidFile.Delete(_pidPath);
                return true;
            }
            var self = System.Environment.ProcessId;
            if (previous.SupervisorPid != self && _proc.Stat(previous.SupervisorPid) is { Alive: true } other && other.StartTicks == previous.SupervisorStartTicks)
            {
                var message = $"supervised by another running supervisor (pid {previous.SupervisorPid}, child pid {previous.Pid}, pid file {_pidPath})";
                if (announced != message)
                {
                    Failure("supervisor.service.owned", "warn", message, new JsonObject { ["supervisorPid"] = previous.SupervisorPid, ["pid"] = previous.Pid });
                    announced = message;
                }
                if (!await WaitRetryAsync(ct)) return false;
                continue;
            }
            var group = new ProcessGroup(previous.Pid, previous.StartTicks, previous.OwnGroup, _proc, _options.Time);
            var members = group.Members();
            if (members.Count > 0)
            {
                Set(ServiceState.Reclaiming);
                var heldPort = _svc.Port is { } port && _proc.Listeners(port).Any(h => h.Process is { } p && members.Any(m => m.Pid == p.Pid));
                var started = Now;
                var forced = await group.StopAsync(_svc.StopTimeout);
                _stderr.Note(Now, $"reclaimed pid {previous.Pid} left by supervisor pid {previous.SupervisorPid}{(heldPort ? $" (it held port {_svc.Port})" : "")}");
                _telemetry.Emit("warn", _svc.Name, heldPort ? "supervisor.port.reclaimed" : "supervisor.child.reclaimed", success: group.Members().Count == 0,
                    durationMs: (Now - started).TotalMilliseconds, metadata: new JsonObject
                    {
                        ["pid"] = previous.Pid, ["port"] = _svc.Port, ["processes"] = members.Count, ["forced"] = forced,
                        ["previousSupervisorPid"] = previous.SupervisorPid, ["startedAt"] = previous.StartedAt.ToString("O", CultureInfo.InvariantCulture),
                    });
            }
            PidFile.Delete(_pidPath);
            return true;
        }
    }

    /// <summary>Waits while the port is held: it is not ours (any orphan of ours was reclaimed), so it is reported and
    /// retried, never killed. False when stopping.</summary>
    private async Task<bool> WaitForPortAsync(CancellationToken ct)
    {
        if (_svc.Port is not { } port || !_proc.Available) return true;
        string? announced = null;
        while (true)
        {
            var holders = _proc.Listeners(port);
            if (holders.Count == 0)
            {
                if (announced is not null) _telemetry.Emit("info", _svc.Name, "supervisor.port.freed", success: true, metadata: new JsonObject { ["port"] = port });
                return true;
            }
            var who = string.Join(", ", holders.Select(h => h.Describe()).Distinct());
            if (who != announced)
            {
                Failure("supervisor.port.held", "warn", $"port {port} is held by {who}, not by a child of this supervisor; waiting (it is never killed)", new JsonObject
                {
                    ["port"] = port,
                    ["holders"] = new JsonArray(holders.Select(h => (JsonNode?)new JsonObject
                    {
                        ["pid"] = h.Process?.Pid, ["command"] = h.CommandLine, ["address"] = h.Address, ["uid"] = h.Uid,
                    }).ToArray()),
                    ["retryMs"] = _svc.PortRetryInterval.TotalMilliseconds,
                });
                announced = who;
            }
            Set(ServiceState.Blocked);
            if (!await WaitRetryAsync(ct)) return false;
        }
    }

    private async Task<bool> WaitRetryAsync(CancellationToken ct)
    {
        Set(ServiceState.Blocked, Now + _svc.PortRetryInterval);
        try
        {
            await Task.Delay(_svc.PortRetryInterval, _options.Time, ct);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        finally
        {
            lock (_lock) _nextRestartAt = null;
        }
    }

    private async Task<bool> BackoffAsync(CancellationToken ct)
    {
        TimeSpan delay;
        lock (_lock)
        {
            delay = _backoff;
            _backoff = _backoff * 2 < _svc.RestartBackoffMax ? _backoff * 2 : _svc.RestartBackoffMax;
            _state = ServiceState.Restarting;
            _nextRestartAt = Now + delay;
        }
        _telemetry.Emit("info", _svc.Name, "supervisor.restart.scheduled", metadata: new JsonObject
        {
            ["backoffMs"] = delay.TotalMilliseconds, ["restarts"] = Math.Max(0, _spawns - 1),
        });
        try
        {
            await Task.Delay(delay, _options.Time, ct);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        finally
        {
            lock (_lock) _nextRestartAt = null;
        }
    }

    private async Task SyncAsync(ChildProcess child, CancellationToken ct)
    {
        var (ok, error, ms) = await ProbeAsync(HttpMethod.Put, _svc.SyncUrl!, ct);
        if (ct.IsCancellationRequested) return;
        _telemetry.Emit(ok ? "info" : "warn", _svc.Name, ok ? "supervisor.sync.ok" : "supervisor.sync.failed", error, ok, ms,
            new JsonObject { ["pid"] = child.Pid, ["url"] = _svc.SyncUrl!.ToString() });
    }

    private async Task<(bool Ok, string? Error, double Ms)> ProbeAsync(HttpMethod method, Uri url, CancellationToken ct)
    {
        var started = _options.Time.GetTimestamp();
        double Elapsed() => Math.Round(_options.Time.GetElapsedTime(started).TotalMilliseconds, 1);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_svc.HealthTimeout);
        try
        {
            using var request = new HttpRequestMessage(method, url);
            if (method == HttpMethod.Put) request.Content = new ByteArrayContent([]);
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return response.IsSuccessStatusCode
                ? (true, null, Elapsed())
                : (false, $"{method} {url} answered {(int)response.StatusCode} {response.ReasonPhrase}", Elapsed());
        }
        catch (HttpRequestException ex)
        {
            return (false, $"{method} {url}: {ex.Message}", Elapsed());
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (false, $"{method} {url}: no answer within {_svc.HealthTimeout.TotalSeconds} s", Elapsed());
        }
        catch (OperationCanceledException)
        {
            return (false, "supervisor stopping", Elapsed());
        }
    }

    private IReadOnlyDictionary<string, string> Environment()
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        if (_svc.EnvFile is { } file)
        {
            if (!File.Exists(file)) throw new FileNotFoundException($"env file {file} not found");
            foreach (var (k, v) in EnvFile.Load(file)) env[k] = v;
        }
        foreach (var (k, v) in _svc.Environment) env[k] = v;
        return env;
    }

    /// <summary>Waits for <paramref name="task"/> at most <paramref name="timeout"/>; true when it completed.</summary>
    private async Task<bool> WithinAsync(Task task, TimeSpan timeout, CancellationToken ct)
    {
        if (task.IsCompleted) return true;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        await Task.WhenAny(task, Task.Delay(timeout, _options.Time, cts.Token));
        await cts.CancelAsync();
        return task.IsCompleted;
    }

    private void Failure(string action, string level, string reason, JsonObject? metadata = null, double? durationMs = null)
    {
        lock (_lock) _lastFailure = new ServiceFailure(Now, action, reason);
        _telemetry.Emit(level, _svc.Name, action, reason, false, durationMs, metadata);
    }

    private void ResetBackoff()
    {
        lock (_lock) _backoff = _svc.RestartBackoff;
    }

    private void Set(ServiceState state, DateTimeOffset? nextRestartAt = null)
    {
        lock (_lock)
        {
            _state = state;
            if (nextRestartAt is not null) _nextRestartAt = nextRestartAt;
        }
    }

    private void ClearChild(int? exitCode)
    {
        lock (_lock)
        {
            _child = null;
            _lastExitCode = exitCode ?? _lastExitCode;
        }
    }

    private static string SignalName(int code) => code switch
    {
        137 => " (SIGKILL)",
        143 => " (SIGTERM)",
        139 => " (SIGSEGV)",
        134 => " (SIGABRT)",
        130 => " (SIGINT)",
        > 128 and < 160 => $" (signal {code - 128})",
        _ => "",
    };

    public void Dispose()
    {
        _stdout.Dispose();
        _stderr.Dispose();
    }
}
