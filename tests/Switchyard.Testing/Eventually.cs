namespace Switchyard.Testing;

/// <summary>Polls a condition until it holds or a deadline passes. The failure names what was awaited and for how
/// long, so a timed-out test says what never happened instead of failing on a later assertion.</summary>
public static class Eventually
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Polls <paramref name="probe"/> until it returns a value, and returns it.</summary>
    /// <param name="probe">Returns null while the awaited state is not there yet.</param>
    /// <param name="what">What is awaited, for the failure message.</param>
    /// <param name="timeout">How long to poll (30 s when null).</param>
    /// <param name="interval">The pause between probes (100 ms when null).</param>
    /// <exception cref="TimeoutException">The probe still returned null at the deadline.</exception>
    public static Task<T> GetAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? timeout = null, TimeSpan? interval = null) where T : class =>
        GetAsync(probe, () => what, timeout, interval);

    /// <summary>Polls <paramref name="probe"/> until it returns a value; the failure message is built at the deadline,
    /// so it can show the last state the probe saw.</summary>
    /// <exception cref="TimeoutException">The probe still returned null at the deadline.</exception>
    public static async Task<T> GetAsync<T>(Func<Task<T?>> probe, Func<string> what, TimeSpan? timeout = null, TimeSpan? interval = null) where T : class
    {
        var limit = timeout ?? DefaultTimeout;
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            if (await probe() is { } value) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out after {limit.TotalSeconds:0.#} s waiting for {what()}");
            await Task.Delay(interval ?? DefaultInterval);
        }
    }

    /// <summary>Polls an asynchronous condition until it is true.</summary>
    /// <exception cref="TimeoutException">The condition was still false at the deadline.</exception>
    public static Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, TimeSpan? interval = null) =>
        TrueAsync(condition, () => what, timeout, interval);

    /// <summary>Polls an asynchronous condition until it is true; the failure message is built at the deadline.</summary>
    /// <exception cref="TimeoutException">The condition was still false at the deadline.</exception>
    public static Task TrueAsync(Func<Task<bool>> condition, Func<string> what, TimeSpan? timeout = null, TimeSpan? interval = null) =>
        GetAsync(async () => await condition() ? "ok" : null, what, timeout, interval);

    /// <summary>Polls a synchronous condition (a file, a process table) until it is true; the short default interval
    /// suits conditions that are cheap to check.</summary>
    /// <exception cref="TimeoutException">The condition was still false at the deadline.</exception>
    public static Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        GetAsync(() => Task.FromResult(condition() ? "ok" : null), what, timeout, TimeSpan.FromMilliseconds(25));
}
