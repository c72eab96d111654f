// Load and resource benchmarks against a real `yard dev` process. Run with bench/run.sh; results go to bench/RESULTS.md.
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Switchyard.Bench;
using Switchyard.Sdk;

var which = args.FirstOrDefault() ?? "all";
var yardDll = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../src/Switchyard.Cli/bin/Release/net10.0/yard.dll"));
if (!File.Exists(yardDll)) throw new InvalidOperationException($"build the CLI in Release first: {yardDll}");

if (which is "all" or "ingest") await Ingest();
if (which is "all" or "sleepers") await Sleepers(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10_000);
if (which is "side") await SideBySide();
if (which is "js") await JsOnly();
if (which is "pgruns") await PostgresRuns();
if (which is "replicas") await Replicas(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1000);
if (which is "all" or "dags") await Dags();
if (which is "all" or "crash") await Crash(args.Length > 1 && which == "crash" ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2_000);
return;

// DAG runs end to end through POST /v1/dags?wait (answered when the run ends), on yard dev with the built-in host worker.
async Task Dags()
{
    var seconds = int.TryParse(Environment.GetEnvironmentVariable("BENCH_SECONDS"), out var sec) ? sec : 10;
    using var yard = await Yard.StartAsync(yardDll, extra: ["--roles", "host", "--worker-port", "0"]);
    using (var probe = new HttpClient { BaseAddress = yard.Url })
        while (!(await probe.GetStringAsync("/v1/functions")).Contains("switchyard-dag", StringComparison.Ordinal)) await Task.Delay(100);
    static JsonObject Noop(string id, params string[] deps) => new() { ["id"] = id, ["handler"] = "noop", ["dependsOn"] = new JsonArray(deps.Select(d => (JsonNode)d).ToArray()) };
    var fan = new JsonArray { Noop("start") };
    for (var i = 0; i < 8; i++) fan.Add(Noop($"mid{i}", "start"));
    fan.Add(Noop("end", Enumerable.Range(0, 8).Select(i => $"mid{i}").ToArray()));
    var chain = new JsonArray(Enumerable.Range(0, 100).Select(i => (JsonNode)(i == 0 ? Noop("n0") : Noop($"n{i}", $"n{i - 1}"))).ToArray());
    static bool Completed(JsonObject view) => view["status"]?.GetValue<string>() == "Completed";
    var ten = await Drive(yard.Url, "/v1/dags?wait=60s", _ => new JsonObject { ["nodes"] = fan.DeepClone() }, 16, seconds, Completed);
    Console.WriteLine($"dags: 10-node noop DAG (1 -> 8 -> 1), 16 in flight, {seconds} s: {ten.Rate:F0} DAG runs/s, p50 {ten.P50:F1} ms, p99 {ten.P99:F1} ms, {ten.Failures} failed; server RSS {yard.RssMb():F0} MB");
    var hundred = await Drive(yard.Url, "/v1/dags?wait=60s", _ => new JsonObject { ["nodes"] = chain.DeepClone() }, 1, seconds, Completed);
    Console.WriteLine($"dags: 100-node noop chain, 1 in flight, {seconds} s: p50 {hundred.P50:F1} ms, p99 {hundred.P99:F1} ms end to end ({hundred.Rate:F1} runs/s, {hundred.Failures} failed)");
}

// Same workloads on both systems, measured end to end: request sent → durable result received, keep-alive HTTP.
async Task SideBySide()
{
    var restate = Environment.GetEnvironmentVariable("RESTATE_INGRESS");
    var seconds = int.TryParse(Environment.GetEnvironmentVariable("BENCH_SECONDS"), out var sec) ? sec : 10;
    var historyRuns = int.TryParse(Environment.GetEnvironmentVariable("BENCH_HISTORY_RUNS"), out var h) ? h : 100_000;

    // Start-up and idle memory of a production-mode `yard server` (keys set, fresh SQLite store), nothing else running.
    var production = new Dictionary<string, string>
    {
        ["SWITCHYARD_SIGNING_KEY"] = "signkey-prod-" + string.Concat(Enumerable.Repeat("5a", 32)),
        ["SWITCHYARD_EVENT_KEYS"] = "bench-event-key",
        ["SWITCHYARD_API_TOKEN"] = "bench-api-token",
    };
    var starts = new List<double>();
    var idleRss = 0.0;
    for (var i = 0; i < 3; i++)
    {
        using var server = await Yard.StartAsync(yardDll, verb: "server", environment: production);
        starts.Add(server.StartToReady.TotalMilliseconds);
        if (i < 2) continue;
        await Task.Delay(TimeSpan.FromSeconds(3));
        idleRss = server.RssMb();
    }
    starts.Sort();
    var startLine = $"yard server (production mode, SQLite): start to ready {starts[1]:F0} ms (median of 3: {string.Join(", ", starts.Select(x => x.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))} ms), idle RSS {idleRss:F0} MB";
    Console.WriteLine(startLine);

    using var yard = await Yard.StartAsync(yardDll);
    var builder = WebApplication.CreateSlimBuilder();
    builder.WebHost.UseUrls("http://127.0.0.1:0");
    builder.Logging.ClearProviders();
    builder.Services.AddSwitchyard(o => { o.AppId = "bench"; o.ServerUrl = yard.Url; }).AddFunction<BenchThreeSteps>().AddFunction<BenchTenParallel>();
    await using var app = builder.Build();
    app.MapSwitchyard();
    await app.StartAsync();
    using var sync = new HttpClient { BaseAddress = yard.Url };
    (await sync.PostAsJsonAsync("/v1/apps/sync", new { url = new Uri(new Uri(app.Urls.First()), "/api/switchyard").ToString() })).EnsureSuccessStatusCode();
    var restatePid = restate is null ? (int?)null : ProcessByName("restate-server");
    var workloads = new (string Name, string Function, string Handler, int InFlight)[]
    {
        ("3 steps, 1 in flight", "bench-three-steps", "threeSteps", 1),
        ("3 steps, 32 in flight", "bench-three-steps", "threeSteps", 32),
        ("10 parallel steps, 16 in flight", "bench-ten-parallel", "tenParallel", 16),
    };
    Task<Result> Switchyard((string Name, string Function, string Handler, int InFlight) w) =>
        Drive(yard.Url, $"/v1/functions/{w.Function}/invoke", n => new { data = new { n }, timeout = "60s" }, w.InFlight, seconds,
            body => body["run"]?["status"]?.GetValue<string>() == "Completed");
    var rows = new List<string>();
    var empty = new List<Result>();
    var restateThree = new Dictionary<int, Result>();
    (double Yard, double Restate) peak32 = (0, 0);
    foreach (var w in workloads)
    {
        // Server CPU time per run over the whole load (warm-up included, as Result.Total counts it), read from /proc so
        // it does not depend on the machine's other load: the figure the JS rows' "per call" is compared with.
        var yardCpu = ProcessCpu.Milliseconds(yard.Pid);
        var syTask = Switchyard(w);
        var syPeak = await PeakRss(yard.Pid, syTask);
        var sy = await syTask;
        var serverMs = (ProcessCpu.Milliseconds(yard.Pid) - yardCpu) / Math.Max(1, sy.Total);
        var steps = w.Function == "bench-ten-parallel" ? 10 : 3;
        var cpu = $"; server CPU per run {serverMs:F2} ms ({serverMs / steps:F2} ms per step)";
        empty.Add(sy);
        Result? rs = null;
        var rsPeak = 0.0;
        if (restate is not null)
        {
            var rsTask = Drive(new Uri(restate), $"/Bench/{w.Handler}", n => new { n }, w.InFlight, seconds, body => body["total"] is not null);
            rsPeak = restatePid is { } pid ? await PeakRss(pid, rsTask) : 0;
            rs = await rsTask;
        }
        if (w.InFlight == 32) peak32 = (syPeak, rsPeak);
        if (w.Function == "bench-three-steps" && rs is not null) restateThree[w.InFlight] = rs;
        rows.Add(rs is null
            ? $"| {w.Name} | {sy.Rate:F0} runs/s, p50 {sy.P50:F1} ms, p99 {sy.P99:F1} ms{cpu} | (restate not run) | |"
            : $"| {w.Name} | {sy.Rate:F0} runs/s, p50 {sy.P50:F1} ms, p99 {sy.P99:F1} ms{cpu} | {rs.Rate:F0} runs/s, p50 {rs.P50:F1} ms, p99 {rs.P99:F1} ms | {sy.Rate / rs.Rate:F2}× rate, {sy.P50 / rs.P50:F2}× p50, {sy.P99 / rs.P99:F2}× p99 |");
        Console.WriteLine(rows[^1]);
    }
    rows.AddRange(await JsWorkloads(yard, seconds, restateThree));
    rows.Add(restatePid is null
        ? $"| Peak resident memory during 3 steps, 32 in flight | server {peak32.Yard:F0} MB | | |"
        : $"| Peak resident memory during 3 steps, 32 in flight | server {peak32.Yard:F0} MB | restate-server {peak32.Restate:F0} MB | {peak32.Yard / peak32.Restate:F2}× |");

    // Cost per step as history grows: fill the store with completed runs, then measure the 3-step workloads again.
    if (historyRuns > 0)
    {
        var fill = Stopwatch.StartNew();
        var before = BenchThreeSteps.Returned;
        using var sender = new HttpClient { BaseAddress = yard.Url, Timeout = TimeSpan.FromMinutes(5) };
        await Parallel.ForEachAsync(Enumerable.Range(0, (historyRuns + 499) / 500), new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (batch, ct) =>
        {
            var events = Enumerable.Range(batch * 500, Math.Min(500, historyRuns - batch * 500)).Select(n => new { name = "bench/three", data = new { n } });
            (await sender.PostAsJsonAsync("/e/bench", events, ct)).EnsureSuccessStatusCode();
        });
        while (BenchThreeSteps.Returned - before < historyRuns)
        {
            if (fill.Elapsed > TimeSpan.FromMinutes(5)) throw new TimeoutException($"{BenchThreeSteps.Returned - before}/{historyRuns} runs returned");
            await Task.Delay(200);
        }
        await Task.Delay(TimeSpan.FromSeconds(2));
        Console.WriteLine($"history: {historyRuns} runs completed in {fill.Elapsed.TotalSeconds:F0} s ({historyRuns / fill.Elapsed.TotalSeconds:F0} runs/s from events in batches of 500); store {yard.StoreMb():F0} MB");
        for (var i = 0; i < 2; i++)
        {
            var after = await Switchyard(workloads[i]);
            rows.Add($"| {workloads[i].Name}, after {historyRuns:N0} more completed runs | {after.Rate:F0} runs/s, p50 {after.P50:F1} ms, p99 {after.P99:F1} ms | | {after.Rate / empty[i].Rate:F2}× the empty store's rate, {after.P50 / empty[i].P50:F2}× p50 |");
            Console.WriteLine(rows[^1]);
        }
    }

    Console.WriteLine();
    Console.WriteLine(startLine);
    Console.WriteLine("| Workload | Switchyard | Restate | Switchyard / Restate |");
    Console.WriteLine("|---|---|---|---|");
    foreach (var r in rows) Console.WriteLine(r);
    Console.WriteLine($"switchyard server RSS at the end {yard.RssMb():F0} MB");
}

// The JS SDK workload alone on a fresh yard dev (no Restate): `dotnet Switchyard.Bench.dll js`.
async Task JsOnly()
{
    var seconds = int.TryParse(Environment.GetEnvironmentVariable("BENCH_SECONDS"), out var sec) ? sec : 10;
    using var yard = await Yard.StartAsync(yardDll);
    await JsWorkloads(yard, seconds, new Dictionary<int, Result>());
}

// The unmodified inngest app of bench/js-app (3 step.run steps and a 4th that POSTs to a local sink) at 1 and 32 in
// flight, with checkpointing (the v4 default) and with it off (the classic protocol, one call per step). Each row also
// gives the server's and the app's CPU time per run (from /proc, so other load on the machine does not count).
async Task<List<string>> JsWorkloads(Yard yard, int seconds, Dictionary<int, Result> restate)
{
    var appDir = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../js-app"));
    using var node = await NodeBenchApp.StartAsync(appDir, yard.Url);
    using var sync = new HttpClient { BaseAddress = yard.Url };
    (await sync.PostAsJsonAsync("/v1/apps/sync", new { url = node.ServeUrl.ToString() })).EnsureSuccessStatusCode();
    var rows = new List<string>();
    foreach (var (function, label, callsPerRun) in new[] { ("bench-js-three-steps", "checkpointing", 1), ("bench-js-three-steps-classic", "classic, checkpointing off", 5) })
    foreach (var inFlight in new[] { 1, 32 })
    {
        var runsBefore = await node.SinkCountAsync();
        var (yardCpu, nodeCpu) = (ProcessCpu.Milliseconds(yard.Pid), ProcessCpu.Milliseconds(node.Pid));
        var sy = await Drive(yard.Url, $"/v1/functions/{function}/invoke", n => new { data = new { n }, timeout = "60s" }, inFlight, seconds,
            body => body["run"]?["status"]?.GetValue<string>() == "Completed");
        var runs = Math.Max(1, await node.SinkCountAsync() - runsBefore);
        var serverMs = (ProcessCpu.Milliseconds(yard.Pid) - yardCpu) / runs;
        var appMs = (ProcessCpu.Milliseconds(node.Pid) - nodeCpu) / runs;
        var name = $"JS SDK ({label}), 3 steps + sink step, {inFlight} in flight";
        // 4 steps per run (3 step.run + the sink step), to compare with the C# rows' server CPU per step.
        var cpu = $"CPU per run: server {serverMs:F2} ms ({serverMs / callsPerRun:F2} ms per call, {callsPerRun} calls; {serverMs / 4:F2} ms per step), node {appMs:F2} ms";
        rows.Add(restate.TryGetValue(inFlight, out var rs)
            ? $"| {name} | {sy.Rate:F0} runs/s, p50 {sy.P50:F1} ms, p99 {sy.P99:F1} ms; {cpu} | {rs.Rate:F0} runs/s, p50 {rs.P50:F1} ms, p99 {rs.P99:F1} ms (TS SDK, 3 steps) | {sy.Rate / rs.Rate:F2}× rate, {sy.P50 / rs.P50:F2}× p50, {sy.P99 / rs.P99:F2}× p99 |"
            : $"| {name} | {sy.Rate:F0} runs/s, p50 {sy.P50:F1} ms, p99 {sy.P99:F1} ms; {cpu} | (restate not run) | |");
        Console.WriteLine(rows[^1]);
    }
    return rows;
}

// Highest resident memory of a process while a task runs, sampled every 100 ms.
static async Task<double> PeakRss(int pid, Task until)
{
    var peak = 0.0;
    while (!until.IsCompleted)
    {
        try { peak = Math.Max(peak, Yard.RssMbOf(pid)); }
        catch (IOException) { }
        await Task.WhenAny(until, Task.Delay(100));
    }
    return peak;
}

// Counts the runs of a function whose three steps each have exactly one memoized value (read back from the server,
// not assumed).
static async Task<int> MemoizedOnceAsync(HttpClient http, string functionId, int count)
{
    var runs = (await http.GetFromJsonAsync<JsonObject>($"/v1/runs?function={functionId}&count={count}"))!["runs"]!.AsArray();
    var ok = 0;
    foreach (var run in runs)
    {
        var steps = (await http.GetFromJsonAsync<JsonObject>($"/v1/runs/{run!["id"]}"))!["steps"]!.AsArray();
        if (steps.Count == 3 && steps.Select(x => x!["hash"]!.GetValue<string>()).Distinct().Count() == 3) ok++;
    }
    return ok;
}

static int? ProcessByName(string name) =>
    Process.GetProcessesByName(name).Select(p => (int?)p.Id).FirstOrDefault();

static Task<Result> Drive(Uri baseUrl, string path, Func<int, object> body, int inFlight, int seconds, Func<JsonObject, bool> ok) =>
    DriveSpread([baseUrl], path, body, inFlight, seconds, ok);

// Drive, with the in-flight workers spread round-robin over several servers (replicas). Result.Total counts the
// completed requests of the warm-up too, for costs measured over the whole load.
static async Task<Result> DriveSpread(IReadOnlyList<Uri> baseUrls, string path, Func<int, object> body, int inFlight, int seconds, Func<JsonObject, bool> ok)
{
    using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = inFlight + 4, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
    { Timeout = TimeSpan.FromSeconds(120) };
    var total = 0;
    // Warm up connections, JIT tiers and caches on both sides with the same load before measuring (BENCH_WARMUP s).
    var warmup = int.TryParse(Environment.GetEnvironmentVariable("BENCH_WARMUP"), out var w) ? w : 3;
    var latencies = new List<double>();
    var failures = 0;
    await Load(warmup, 0);
    latencies.Clear();
    failures = 0;
    var clock = Stopwatch.StartNew();
    await Load(seconds, 1);
    var elapsed = clock.Elapsed.TotalSeconds;
    latencies.Sort();
    if (latencies.Count == 0) return new Result(0, 0, 0, failures, total);
    return new Result(latencies.Count / elapsed, latencies[latencies.Count / 2], latencies[Math.Min(latencies.Count - 1, (int)(latencies.Count * 0.99))], failures, total);

    Task Load(int duration, int round)
    {
        var stop = DateTime.UtcNow.AddSeconds(duration);
        return Task.WhenAll(Enumerable.Range(0, inFlight).Select(async worker =>
        {
            var local = new List<double>();
            var n = round * 100_000_000 + worker * 1_000_000;
            var target = new Uri(baseUrls[worker % baseUrls.Count], path);
            while (DateTime.UtcNow < stop)
            {
                var t = Stopwatch.GetTimestamp();
                using var response = await http.PostAsJsonAsync(target, body(n++));
                var json = response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonObject>() : null;
                if (json is null || !ok(json)) { Interlocked.Increment(ref failures); continue; }
                Interlocked.Increment(ref total);
                local.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
            lock (latencies) latencies.AddRange(local);
        }));
    }
}

// Durable runs on PostgreSQL (BENCH_STORE; BENCH_REPLICAS replicas, invokes spread round-robin over them): the 3-step
// workload at 1 and 32 in flight and ten parallel steps at 16, with the C# SDK app of the side-by-side bench. Besides
// the rate, each row gives costs that do not depend on the machine's load: CPU time per run of the replicas and of
// PostgreSQL (BENCH_PG_DATA: the cluster's data directory, to find its processes), and the writer's round trips and
// commits per run (the store's own counters, scraped from each replica's /metrics). BENCH_PGRUNS_ONLY="32 in flight"
// runs the workloads whose name contains it.
async Task PostgresRuns()
{
    var store = Environment.GetEnvironmentVariable("BENCH_STORE") ?? throw new InvalidOperationException("set BENCH_STORE=postgres://… (bench/pg.sh runs does)");
    var replicaCount = int.TryParse(Environment.GetEnvironmentVariable("BENCH_REPLICAS"), out var rc) ? rc : 1;
    var seconds = int.TryParse(Environment.GetEnvironmentVariable("BENCH_SECONDS"), out var sec) ? sec : 10;
    var pgData = Environment.GetEnvironmentVariable("BENCH_PG_DATA");
    var replicas = new List<Yard>();
    for (var i = 0; i < replicaCount; i++) replicas.Add(await Yard.StartAsync(yardDll, extra: ["--store", store]));
    try
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSwitchyard(o => { o.AppId = "bench"; o.ServerUrl = replicas[0].Url; }).AddFunction<BenchThreeSteps>().AddFunction<BenchTenParallel>();
        await using var app = builder.Build();
        app.MapSwitchyard();
        await app.StartAsync();
        using var http = new HttpClient();
        (await http.PostAsJsonAsync(new Uri(replicas[0].Url, "/v1/apps/sync"), new { url = new Uri(new Uri(app.Urls.First()), "/api/switchyard").ToString() })).EnsureSuccessStatusCode();
        foreach (var r in replicas)
            while ((await http.GetFromJsonAsync<JsonObject>(new Uri(r.Url, "/v1/functions")))!["functions"]!.AsArray().Count < 2) await Task.Delay(100);
        Console.WriteLine($"pgruns: store {store}, {replicaCount} replica(s), {seconds} s per workload");
        foreach (var (name, function, inFlight) in new[] { ("3 steps, 1 in flight", "bench-three-steps", 1), ("3 steps, 32 in flight", "bench-three-steps", 32), ("10 parallel steps, 16 in flight", "bench-ten-parallel", 16) }
            .Where(w => Environment.GetEnvironmentVariable("BENCH_PGRUNS_ONLY") is not { Length: > 0 } only || w.Item1.Contains(only, StringComparison.Ordinal)))
        {
            var cpuBefore = (Yard: replicas.Sum(r => ProcessCpu.Milliseconds(r.Pid)), Pg: PostgresCpu(pgData));
            var countersBefore = await StoreCountersAsync(http, replicas);
            var res = await DriveSpread(replicas.Select(r => r.Url).ToList(), $"/v1/functions/{function}/invoke", n => new { data = new { n }, timeout = "60s" }, inFlight, seconds,
                body => body["run"]?["status"]?.GetValue<string>() == "Completed");
            var countersAfter = await StoreCountersAsync(http, replicas);
            var runs = Math.Max(1, res.Total);
            var yardMs = (replicas.Sum(r => ProcessCpu.Milliseconds(r.Pid)) - cpuBefore.Yard) / runs;
            var pgMs = (PostgresCpu(pgData) - cpuBefore.Pg) / runs;
            Console.WriteLine($"| PostgreSQL, {replicaCount} replica(s), {name} | {res.Rate:F0} runs/s, p50 {res.P50:F1} ms, p99 {res.P99:F1} ms, {res.Failures} failed | " +
                $"CPU per run: replicas {yardMs:F2} ms, PostgreSQL {(pgData is null ? "(BENCH_PG_DATA not set)" : pgMs.ToString("F2", System.Globalization.CultureInfo.InvariantCulture) + " ms")} | " +
                $"writer round trips per run {(countersAfter.RoundTrips - countersBefore.RoundTrips) / runs:F1}, commits per run {(countersAfter.Commits - countersBefore.Commits) / runs:F2} |");
        }
    }
    finally
    {
        foreach (var r in replicas) r.Dispose();
    }
}

// CPU time (ms) of a PostgreSQL cluster: the postmaster (from DATA/postmaster.pid) and its children, the backends.
static double PostgresCpu(string? dataDir)
{
    if (dataDir is null) return 0;
    var postmaster = File.ReadLines(Path.Combine(dataDir, "postmaster.pid")).First().Trim();
    var total = 0.0;
    foreach (var proc in Directory.EnumerateDirectories("/proc"))
    {
        var pid = Path.GetFileName(proc);
        if (!pid.All(char.IsAsciiDigit)) continue;
        try
        {
            var stat = File.ReadAllText(Path.Combine(proc, "stat"));
            var ppid = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1];
            if (pid == postmaster || ppid == postmaster) total += ProcessCpu.Milliseconds(int.Parse(pid, System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (IOException) { }
    }
    return total;
}

// The writer's round-trip and commit counters summed over the replicas (Prometheus text from /metrics).
static async Task<(double RoundTrips, double Commits)> StoreCountersAsync(HttpClient http, IReadOnlyList<Yard> replicas)
{
    double trips = 0, commits = 0;
    foreach (var r in replicas)
        foreach (var line in (await http.GetStringAsync(new Uri(r.Url, "/metrics"))).Split('\n'))
        {
            if (line.StartsWith("switchyard_store_round_trips_total", StringComparison.Ordinal)) trips += Sample(line);
            else if (line.StartsWith("switchyard_store_commits_total", StringComparison.Ordinal)) commits += Sample(line);
        }
    return (trips, commits);

    // "name{labels} value [timestamp]"
    static double Sample(string line)
    {
        var rest = line[(line.IndexOf('}') is var brace and >= 0 ? brace + 1 : line.IndexOf(' '))..];
        return double.Parse(rest.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], System.Globalization.CultureInfo.InvariantCulture);
    }
}

// Three replicas on one PostgreSQL (BENCH_STORE), events sent round-robin, one replica kill -9'd mid-load.
async Task Replicas(int count)
{
    var store = Environment.GetEnvironmentVariable("BENCH_STORE") ?? throw new InvalidOperationException("set BENCH_STORE=postgres://… (bench/pg.sh replicas does)");
    var replicas = new List<Yard>();
    for (var i = 0; i < 3; i++) replicas.Add(await Yard.StartAsync(yardDll, extra: ["--store", store]));
    var executions = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
    // A cron function ticking every second runs on the replicas too: each tick must start exactly one run, with a
    // replica killed mid-load and the others claiming its ticks.
    await using var app = await StartAppAsync<ThreeSteps>(replicas[0], "replicas", s => s.AddSingleton(executions), f => f.AddFunction<EverySecond>());
    var clients = replicas.Select(r => new HttpClient { BaseAddress = r.Url, Timeout = TimeSpan.FromSeconds(30) }).ToList();
    foreach (var c in clients)
        while ((await c.GetFromJsonAsync<JsonObject>("/v1/functions"))!["functions"]!.AsArray().Count < 2) await Task.Delay(100);
    var acked = new HashSet<string>();
    var t = Stopwatch.StartNew();
    for (var n = 0; n < count; n++)
    {
        if (n == count / 2) replicas[1].Kill();
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var r = await clients[(n + attempt) % 3].PostAsJsonAsync("/e/bench", new { name = "crash/run", data = new { n } });
                if (!r.IsSuccessStatusCode) continue;
                acked.Add((await r.Content.ReadFromJsonAsync<JsonObject>())!["ids"]![0]!.GetValue<string>());
                break;
            }
            catch (HttpRequestException) when (attempt < 5) { }
        }
    }
    while (true)
    {
        var runs = (await clients[0].GetFromJsonAsync<JsonObject>("/v1/runs?function=replicas-three-steps&count=10000"))!["runs"]!.AsArray();
        if (runs.Count == count && runs.All(r => r!["status"]!.GetValue<string>() == "Completed")) break;
        if (t.Elapsed > TimeSpan.FromMinutes(5)) throw new TimeoutException($"{runs.Count(r => r!["status"]!.GetValue<string>() == "Completed")}/{count} completed");
        await Task.Delay(500);
    }
    var events = (await clients[0].GetFromJsonAsync<JsonObject>("/v1/events?prefix=crash/run&count=10000"))!["events"]!.AsArray().Select(e => e!["id"]!.GetValue<string>()).ToHashSet();
    var memoizedOnce = await MemoizedOnceAsync(clients[0], "replicas-three-steps", count);
    var cron = await CronTicksAsync(clients[0], "replicas-every-second");
    Console.WriteLine($"replicas: {count} runs over 3 replicas on PostgreSQL, one kill -9'd at {count / 2}: all completed in {t.Elapsed.TotalSeconds:F1} s; " +
        $"{acked.Count} acknowledged events all stored: {acked.IsSubsetOf(events)}; {executions.Count(e => e.Value > 1)} step executions repeated (steps are at-least-once across a replica's death); " +
        $"runs whose 3 steps are each memoized exactly once: {memoizedOnce}/{count}; " +
        $"cron every second: {cron.Ticks} ticks fired over {cron.Span} s, {cron.Runs} runs, ticks with more than one run: {cron.Duplicated}, seconds with no tick: {cron.Missed}");
    foreach (var r in replicas) r.Dispose();
}

// The runs of a cron function, grouped by tick (the timer event id ends in the tick's Unix milliseconds): how many ticks
// fired, over how many seconds, how many ticks started more than one run, and how many whole seconds in the span had none.
static async Task<(int Ticks, long Span, int Runs, int Duplicated, long Missed)> CronTicksAsync(HttpClient http, string function)
{
    var runs = (await http.GetFromJsonAsync<JsonObject>($"/v1/runs?function={function}&count=10000"))!["runs"]!.AsArray();
    var byTick = runs.GroupBy(r => long.Parse(r!["eventId"]!.GetValue<string>().Split(':')[^1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
    if (byTick.Count == 0) return (0, 0, 0, 0, 0);
    var span = (byTick.Max(g => g.Key) - byTick.Min(g => g.Key)) / 1000 + 1;
    return (byTick.Count, span, runs.Count, byTick.Count(g => g.Count() > 1), span - byTick.Count);
}

// An SDK app serving one function, synced to the server.
static async Task<WebApplication> StartAppAsync<TFunction>(Yard yard, string appId, Action<IServiceCollection> services, Action<SwitchyardBuilder>? more = null)
    where TFunction : SwitchyardFunction
{
    var builder = WebApplication.CreateSlimBuilder();
    builder.WebHost.UseUrls("http://127.0.0.1:0");
    builder.Logging.ClearProviders();
    services(builder.Services);
    var functions = builder.Services.AddSwitchyard(o => { o.AppId = appId; o.ServerUrl = yard.Url; }).AddFunction<TFunction>();
    more?.Invoke(functions);
    var app = builder.Build();
    app.MapSwitchyard();
    await app.StartAsync();
    var serve = new Uri(new Uri(app.Urls.First()), "/api/switchyard");
    using var http = new HttpClient { BaseAddress = yard.Url };
    (await http.PostAsJsonAsync("/v1/apps/sync", new { url = serve.ToString() })).EnsureSuccessStatusCode();
    return app;
}

async Task Crash(int count)
{
    var dir = Directory.CreateTempSubdirectory("yard-crash-").FullName;
    var port = Yard.FreePort();
    var yard = await Yard.StartAsync(yardDll, dir, port);
    var executions = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
    await using var app = await StartAppAsync<ThreeSteps>(yard, "crash", s => s.AddSingleton(executions));
    using var http = new HttpClient { BaseAddress = yard.Url, Timeout = TimeSpan.FromMinutes(5) };
    var acked = new HashSet<string>();
    var kills = 0;
    for (var sent = 0; sent < count; sent += 100)
    {
        try
        {
            var r = await http.PostAsJsonAsync("/e/bench", Enumerable.Range(sent, Math.Min(100, count - sent)).Select(i => new { name = "crash/run", data = new { n = i } }));
            foreach (var id in (await r.Content.ReadFromJsonAsync<JsonObject>())!["ids"]!.AsArray()) acked.Add(id!.GetValue<string>());
        }
        catch (HttpRequestException) { sent -= 100; }
        if (sent > 0 && sent % (count / 3 / 100 * 100 + 100) == 0 && kills < 2)
        {
            await Task.Delay(Random.Shared.Next(50, 400));
            yard.Kill();
            kills++;
            yard = await Yard.StartAsync(yardDll, dir, port);
        }
    }
    var t = Stopwatch.StartNew();
    while (true)
    {
        var runs = (await http.GetFromJsonAsync<JsonObject>("/v1/runs?function=crash-three-steps&count=10000"))!["runs"]!.AsArray();
        var done = runs.Count(r => r!["status"]!.GetValue<string>() == "Completed");
        if (done == count) break;
        if (t.Elapsed > TimeSpan.FromMinutes(5)) throw new TimeoutException($"{done}/{count} completed");
        await Task.Delay(500);
    }
    var events = (await http.GetFromJsonAsync<JsonObject>("/v1/events?prefix=crash/run&count=10000"))!["events"]!.AsArray().Select(e => e!["id"]!.GetValue<string>()).ToHashSet();
    var reexecuted = executions.Count(kv => kv.Value > 1);
    var memoizedOnce = await MemoizedOnceAsync(http, "crash-three-steps", count);
    Console.WriteLine($"crash: {count} runs, server kill -9 x{kills} mid-load: {count} completed, {acked.Count} acknowledged events all stored: {acked.IsSubsetOf(events)}; " +
        $"{reexecuted} step executions repeated after a kill (at-least-once); runs whose 3 steps are each memoized exactly once: {memoizedOnce}/{count}");
    yard.Dispose();
}

async Task Ingest()
{
    // BENCH_STORE=postgres://… runs against PostgreSQL; BENCH_REPLICAS=3 starts that many replicas, sent to round-robin.
    var store = Environment.GetEnvironmentVariable("BENCH_STORE");
    var replicaCount = int.TryParse(Environment.GetEnvironmentVariable("BENCH_REPLICAS"), out var r) ? r : 1;
    var replicas = new List<Yard>();
    for (var i = 0; i < replicaCount; i++) replicas.Add(await Yard.StartAsync(yardDll, extra: store is null ? [] : ["--store", store]));
    using var yard = replicas[0];
    var clients = replicas.Select(y => new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = y.Url }).ToList();
    var http = clients[0];
    Console.WriteLine($"ingest: store {store ?? "sqlite"}, {replicaCount} replica(s)");
    // BENCH_INGEST=single or batch runs only that half (e.g. to profile one of them).
    var only = Environment.GetEnvironmentVariable("BENCH_INGEST");
    var ingestSeconds = int.TryParse(Environment.GetEnvironmentVariable("BENCH_SECONDS"), out var sec) ? sec : 10;
    foreach (var (senders, batch) in new[] { (32, 1), (8, 100) }.Where(m => only is null || (only == "single") == (m.Item2 == 1)))
    {
        if (batch == 1 && Environment.GetEnvironmentVariable("BENCH_CLIENT") == "wrk")
        {
            await IngestWithWrk(replicas, senders, ingestSeconds);
            continue;
        }
        var stop = DateTime.UtcNow.AddSeconds(ingestSeconds);
        long acked = 0;
        var latencies = new List<double>();
        await Parallel.ForEachAsync(Enumerable.Range(0, senders), new ParallelOptions { MaxDegreeOfParallelism = senders }, async (s, ct) =>
        {
            var local = new List<double>();
            var body = batch == 1 ? (object)new { name = "bench/ingest", data = new { s } } : Enumerable.Range(0, batch).Select(i => new { name = "bench/ingest", data = new { s, i } }).ToArray();
            while (DateTime.UtcNow < stop)
            {
                var t = Stopwatch.GetTimestamp();
                using var r = await clients[s % clients.Count].PostAsJsonAsync("/e/bench", body, ct);
                r.EnsureSuccessStatusCode();
                local.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                Interlocked.Add(ref acked, batch);
            }
            lock (latencies) latencies.AddRange(local);
        });
        latencies.Sort();
        Console.WriteLine($"ingest: {senders} senders x batches of {batch}: {acked / (double)ingestSeconds:F0} events/s durable; request p50 {latencies[latencies.Count / 2]:F2} ms, p99 {latencies[(int)(latencies.Count * 0.99)]:F2} ms; server RSS {yard.RssMb():F0} MB");
    }
    foreach (var extra in replicas.Skip(1)) extra.Dispose();
    _ = http;
}

// The single-event workload with wrk as the sender (BENCH_CLIENT=wrk; Debian package wrk): the same 32 keep-alive
// connections each POSTing one event and waiting for its answer, but from a C load generator that needs a fraction of
// the CPU of .NET's HttpClient, which on 2 shared cores takes CPU from the server it measures. One wrk process (one
// thread) per replica, the connections split between them. Durable: a 2xx is a committed event, and the store's count
// afterwards is checked to hold at least every acknowledged one.
async Task IngestWithWrk(List<Yard> replicas, int connections, int seconds)
{
    var script = Path.Combine(AppContext.BaseDirectory, "wrk", "event.lua");
    // Warm up JIT tiers and caches with the same load first (BENCH_WARMUP s, as the side-by-side rows do); not counted.
    var warmup = int.TryParse(Environment.GetEnvironmentVariable("BENCH_WARMUP"), out var w) ? w : 3;
    if (warmup > 0)
    {
        using var warm = Process.Start(new ProcessStartInfo("wrk", ["-t1", $"-c{connections}", $"-d{warmup}s", "-s", script, new Uri(replicas[0].Url, "/e/bench").ToString()])
            { RedirectStandardOutput = true })!;
        await warm.StandardOutput.ReadToEndAsync();
        await warm.WaitForExitAsync();
    }
    var before = await StoredEvents(replicas[0]);
    var serverCpu = replicas.Sum(y => ProcessCpu.Milliseconds(y.Pid));
    var runs = replicas.Select((y, i) =>
    {
        var share = connections / replicas.Count + (i < connections % replicas.Count ? 1 : 0);
        // Under /usr/bin/time, for wrk's CPU (a process's CPU cannot be read from .NET once it has exited).
        var wrk = Process.Start(new ProcessStartInfo("/usr/bin/time", ["-f", "cpu %U %S", "wrk", "-t1", $"-c{share}", $"-d{seconds}s", "--latency", "-s", script, new Uri(y.Url, "/e/bench").ToString()])
            { RedirectStandardOutput = true, RedirectStandardError = true })!;
        return (Process: wrk, Output: wrk.StandardOutput.ReadToEndAsync(), Errors: wrk.StandardError.ReadToEndAsync());
    }).ToList();
    var clientCpu = 0.0;
    var outputs = new List<string>();
    foreach (var (wrk, output, errors) in runs)
    {
        outputs.Add(await output);
        await wrk.WaitForExitAsync();
        var stderr = await errors;
        if (wrk.ExitCode != 0) throw new InvalidOperationException($"wrk failed ({wrk.ExitCode}): {stderr}");
        var cpu = Regex.Match(stderr, @"cpu ([\d.]+) ([\d.]+)");
        clientCpu += (double.Parse(cpu.Groups[1].Value, CultureInfo.InvariantCulture) + double.Parse(cpu.Groups[2].Value, CultureInfo.InvariantCulture)) * 1000;
    }
    serverCpu = replicas.Sum(y => ProcessCpu.Milliseconds(y.Pid)) - serverCpu;
    long requests = 0, failed = 0;
    var p50 = 0.0;
    var p99 = 0.0;
    foreach (var o in outputs)
    {
        requests += long.Parse(Regex.Match(o, @"(\d+) requests in").Groups[1].Value, CultureInfo.InvariantCulture);
        if (Regex.Match(o, @"Non-2xx or 3xx responses: (\d+)") is { Success: true } non2xx) failed += long.Parse(non2xx.Groups[1].Value, CultureInfo.InvariantCulture);
        p50 = Math.Max(p50, WrkMs(Regex.Match(o, @"50%\s+(\S+)").Groups[1].Value));
        p99 = Math.Max(p99, WrkMs(Regex.Match(o, @"99%\s+(\S+)").Groups[1].Value));
    }
    var acked = requests - failed;
    var stored = await StoredEvents(replicas[0]) - before;
    Console.WriteLine($"ingest (wrk): {connections} senders x batches of 1: {acked / (double)seconds:F0} events/s durable ({acked} acknowledged, {failed} refused, {stored} stored: " +
        $"{(stored >= acked ? "every acknowledged event is in the store" : "EVENTS MISSING")}); request p50 {p50:F2} ms, p99 {p99:F2} ms; " +
        $"CPU per event: server {serverCpu * 1000 / Math.Max(acked, 1):F0} us, wrk {clientCpu * 1000 / Math.Max(acked, 1):F0} us");
}

// wrk prints latencies with their unit: 850.00us, 1.23ms, 1.05s.
static double WrkMs(string value) =>
    value.EndsWith("us", StringComparison.Ordinal) ? double.Parse(value[..^2], CultureInfo.InvariantCulture) / 1000
    : value.EndsWith("ms", StringComparison.Ordinal) ? double.Parse(value[..^2], CultureInfo.InvariantCulture)
    : double.Parse(value[..^1], CultureInfo.InvariantCulture) * 1000;

// The store's event count, from the status report ("sqlite … (N KiB, M events, …)").
static async Task<long> StoredEvents(Yard yard)
{
    using var http = new HttpClient { BaseAddress = yard.Url };
    var status = (await http.GetFromJsonAsync<JsonObject>("/v1/status"))!["components"]!.AsArray()
        .Single(c => (string?)c!["component"] == "store")!["detail"]!.GetValue<string>();
    return long.Parse(Regex.Match(status, @"(\d+) events").Groups[1].Value, CultureInfo.InvariantCulture);
}

async Task Sleepers(int count)
{
    using var yard = await Yard.StartAsync(yardDll);
    var called = 0;
    await using var app = await StartAppAsync<Sleeper>(yard, "bench", s => s.AddSingleton(new Counter(() => Interlocked.Increment(ref called))));
    using var http = new HttpClient { BaseAddress = yard.Url, Timeout = TimeSpan.FromMinutes(5) };
    var before = yard.RssMb();
    var threadsBefore = yard.Threads();
    var t = Stopwatch.StartNew();
    for (var sent = 0; sent < count; sent += 500)
        (await http.PostAsJsonAsync("/e/bench", Enumerable.Range(sent, Math.Min(500, count - sent)).Select(i => new { name = "bench/sleep", data = new { i } }))).EnsureSuccessStatusCode();
    while (Volatile.Read(ref called) < count) await Task.Delay(100);
    // The sleep op is applied after the call returns; give the writer a moment to commit the last ones.
    while (true)
    {
        var running = (await http.GetFromJsonAsync<JsonObject>("/v1/runs?status=Running&count=10000"))!["runs"]!.AsArray().Count;
        if (running >= Math.Min(count, 10_000)) break;
        await Task.Delay(200);
    }
    Console.WriteLine($"sleepers: {count} runs asleep (1 h) after {t.Elapsed.TotalSeconds:F1} s; server RSS {before:F0} → {yard.RssMb():F0} MB, threads {threadsBefore} → {yard.Threads()}");
}

namespace Switchyard.Bench
{
    internal sealed record Result(double Rate, double P50, double P99, int Failures, int Total = 0);

    internal sealed class BenchThreeSteps : SwitchyardFunction<JsonObject>
    {
        private static long _returned;

        /// <summary>How many times a run of this function returned (the history fill waits on it).</summary>
        public static long Returned => Interlocked.Read(ref _returned);

        public override void Configure(FunctionBuilder function) => function.Id("three-steps").OnEvent("bench/three");

        public override async Task<object?> RunAsync(FunctionContext<JsonObject> context)
        {
            var n = context.Event.Data["n"]!.GetValue<int>();
            var a = await context.Step.RunAsync("a", () => n);
            var b = await context.Step.RunAsync("b", () => n * 2);
            var c = await context.Step.RunAsync("c", () => n * 3);
            Interlocked.Increment(ref _returned);
            return new { total = a + b + c };
        }
    }

    internal sealed class BenchTenParallel : SwitchyardFunction<JsonObject>
    {
        public override void Configure(FunctionBuilder function) => function.Id("ten-parallel").OnEvent("bench/ten");

        public override async Task<object?> RunAsync(FunctionContext<JsonObject> context)
        {
            var n = context.Event.Data["n"]!.GetValue<int>();
            var parts = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => context.Step.RunAsync($"p{i}", () => n + i)));
            return new { total = parts.Sum() };
        }
    }

    internal sealed record Counter(Action Hit);

    internal sealed class Sleeper(Counter counter) : SwitchyardFunction<JsonObject>
    {
        public override void Configure(FunctionBuilder function) => function.Id("sleeper").OnEvent("bench/sleep");

        public override async Task<object?> RunAsync(FunctionContext<JsonObject> context)
        {
            counter.Hit();
            await context.Step.SleepAsync("nap", TimeSpan.FromHours(1));
            return null;
        }
    }

    internal sealed class ThreeSteps(System.Collections.Concurrent.ConcurrentDictionary<string, int> executions) : SwitchyardFunction<JsonObject>
    {
        public override void Configure(FunctionBuilder function) => function.Id("three-steps").OnEvent("crash/run");

        public override async Task<object?> RunAsync(FunctionContext<JsonObject> context)
        {
            var n = context.Event.Data["n"]!.GetValue<int>();
            var total = 0;
            foreach (var step in new[] { "a", "b", "c" })
                total += await context.Step.RunAsync(step, () => { executions.AddOrUpdate($"{n}:{step}", 1, (_, v) => v + 1); return n; });
            return total;
        }
    }

    internal sealed class EverySecond : SwitchyardFunction<JsonObject>
    {
        public override void Configure(FunctionBuilder function) => function.Id("every-second").OnCron("* * * * * *");

        public override Task<object?> RunAsync(FunctionContext<JsonObject> context) => Task.FromResult<object?>(context.Event.Id);
    }

    internal sealed class Yard : IDisposable
    {
        private readonly Process _process;
        private readonly string _dir;

        private Yard(Process process, Uri url, string dir)
        {
            _process = process;
            Url = url;
            _dir = dir;
        }

        public Uri Url { get; }

        public static int FreePort()
        {
            using var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            return ((IPEndPoint)l.LocalEndpoint).Port;
        }

        public void Kill()
        {
            _process.Kill(true);
            _process.WaitForExit();
        }

        /// <summary>Time from process start to the first successful <c>/health</c>.</summary>
        public TimeSpan StartToReady { get; private set; }

        public static async Task<Yard> StartAsync(string dll, string? dataDir = null, int? fixedPort = null, string[]? extra = null, string verb = "dev",
            IReadOnlyDictionary<string, string>? environment = null)
        {
            var port = fixedPort ?? FreePort();
            var dir = dataDir ?? Directory.CreateTempSubdirectory("yard-bench-").FullName;
            var psi = new ProcessStartInfo("dotnet", [dll, verb, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data-dir", dir, .. extra ?? []])
            { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
            var clock = Stopwatch.StartNew();
            var p = Process.Start(psi)!;
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            var yard = new Yard(p, new Uri($"http://127.0.0.1:{port}"), dir);
            using var http = new HttpClient();
            while (clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                try
                {
                    if ((await http.GetAsync(new Uri(yard.Url, "/health"))).IsSuccessStatusCode)
                    {
                        yard.StartToReady = clock.Elapsed;
                        return yard;
                    }
                }
                catch (HttpRequestException) { }
                await Task.Delay(5);
            }
            throw new TimeoutException("yard did not start");
        }

        public int Pid => _process.Id;

        /// <summary>Size of the store's files (database, WAL) in MB.</summary>
        public double StoreMb() => Directory.EnumerateFiles(_dir).Sum(f => new FileInfo(f).Length) / 1024.0 / 1024.0;

        public double RssMb() => RssMbOf(_process.Id);

        /// <summary>Resident memory of a process, from /proc.</summary>
        public static double RssMbOf(int pid) => Status(pid, "VmRSS:") / 1024.0;

        public long Threads() => Status(_process.Id, "Threads:");

        private static long Status(int pid, string key) =>
            long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(key, StringComparison.Ordinal))
                .Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);

        public void Dispose()
        {
            _process.Kill(true);
            _process.WaitForExit();
            // BENCH_KEEP_DATA=1 keeps the store for inspection (e.g. sqlite3's dbstat, to see what each run writes).
            if (Environment.GetEnvironmentVariable("BENCH_KEEP_DATA") == "1") Console.WriteLine($"store kept in {_dir}");
            else Directory.Delete(_dir, true);
        }
    }
}
