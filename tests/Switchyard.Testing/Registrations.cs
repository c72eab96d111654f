namespace Switchyard.Testing;

/// <summary>Raw <c>POST /fn/register</c> bodies, for tests that register functions without running an SDK app.</summary>
public static class Registrations
{
    /// <summary>A registration of app <paramref name="app"/> with one-step HTTP functions <c>APP-NAME</c>, each
    /// triggered by <c>APP/NAME</c>; the URLs point at port 1, where nothing answers, so no call ever succeeds.</summary>
    public static object For(string app, params string[] functions) => new
    {
        url = $"http://127.0.0.1:1/{app}",
        appName = app,
        deployType = "ping",
        framework = "test",
        sdk = "test:v1",
        v = "0.1",
        functions = functions.Select(f => new
        {
            id = $"{app}-{f}",
            name = f,
            triggers = new[] { new { @event = $"{app}/{f}" } },
            steps = new { step = new { id = "step", name = "step", runtime = new { type = "http", url = $"http://127.0.0.1:1/{app}?fnId={app}-{f}&stepId=step" } } },
        }).ToArray(),
    };
}
