#:property PublishAot=false
// Load generator of bench/queue.sh (a .NET file-based app): N senders POST /v1/queue/{family} for S seconds over
// keep-alive HTTP, then the queue is watched until every admitted item is dispatched.
// Usage: dotnet run queue/QueueLoad.cs -- SERVER_URL FAMILY SENDERS SECONDS
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

var server = new Uri(args[0]);
var family = args[1];
var senders = int.Parse(args[2], CultureInfo.InvariantCulture);
var seconds = double.Parse(args[3], CultureInfo.InvariantCulture);
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = senders }) { BaseAddress = server };

long admitted = 0, refused = 0;
var clock = Stopwatch.StartNew();
var until = TimeSpan.FromSeconds(seconds);
await Task.WhenAll(Enumerable.Range(0, senders).Select(async sender =>
{
    for (var n = 0; clock.Elapsed < until; n++)
    {
        using var body = new StringContent($"{{\"data\":{{\"sender\":{sender},\"n\":{n}}}}}", System.Text.Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri($"/v1/queue/{family}", UriKind.Relative), body);
        if (response.IsSuccessStatusCode) Interlocked.Increment(ref admitted);
        else Interlocked.Increment(ref refused);
    }
}));
var emitSeconds = clock.Elapsed.TotalSeconds;

long done = 0;
while (clock.Elapsed < until * 10)
{
    var stats = JsonNode.Parse(await http.GetStringAsync(new Uri("/v1/queue/stats", UriKind.Relative)));
    var f = stats!["families"]!.AsArray().First(x => x!["family"]!.GetValue<string>() == family)!;
    done = f["done"]!.GetValue<long>();
    if (done >= admitted) break;
    await Task.Delay(50);
}
var drainSeconds = clock.Elapsed.TotalSeconds;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"senders {senders}, {emitSeconds:0.0} s: admitted {admitted} ({admitted / emitSeconds:0} items/s emit→admit, durable 2xx), refused {refused}; " +
    $"dispatched {done} in {drainSeconds:0.0} s ({done / drainSeconds:0} items/s emit→dispatch)"));
