using System.ComponentModel;
using System.Text.Json.Nodes;

namespace Switchyard.Sdk;

// The names before the …Async rename, kept for one release so that existing functions still compile (with a warning
// that names the replacement). Hidden from IntelliSense.
public sealed partial class StepTools
{
    private const string Renamed = "Renamed with the Async suffix; this name goes in the next release.";

    /// <summary>Use <see cref="RunAsync{T}(string, Func{Task{T}})"/>.</summary>
    [Obsolete(Renamed + " Use RunAsync."), EditorBrowsable(EditorBrowsableState.Never)]
    public Task<T> Run<T>(string id, Func<Task<T>> work) => RunAsync(id, work);

    /// <summary>Use <see cref="RunAsync{T}(string, Func{T})"/>.</summary>
    [Obsolete(Renamed + " Use RunAsync."), EditorBrowsable(EditorBrowsableState.Never)]
    public Task<T> Run<T>(string id, Func<T> work) => RunAsync(id, work);

    /// <summary>Use <see cref="RunAsync(string, Func{Task})"/>.</summary>
    [Obsolete(Renamed + " Use RunAsync."), EditorBrowsable(EditorBrowsableState.Never)]
    public Task Run(string id, Func<Task> work) => RunAsync(id, work);

    /// <summary>Use <see cref="RunAsync(string, Action)"/>.</summary>
    [Obsolete(Renamed + " Use RunAsync."), EditorBrowsable(EditorBrowsableState.Never)]
    public Task Run(string id, Action work) => RunAsync(id, work);

    /// <summary>Use <see cref="SleepAsync(string, TimeSpan)"/>.</summary>
    [Obsolete(Renamed + " Use SleepAsync."), EditorBrowsable(EditorBrowsableState.Never)]
    public Task Sleep(string id, TimeSpan duration) => SleepAsync(id, duration);

    /// <summary>Use <see cref="SleepUntilAsync(string, DateTimeOffset)"/>.</summary>
    [Obsolete(Renamed + " Use SleepUntilAsync."), EditorBrowsable(EditorBrowsableState.Never)]
    public Task SleepUntil(string id, DateTimeOffset until) => SleepUntilAsync(id, until);

    /// <summary>Use <see cref="WaitForEventAsync(string, WaitForEventOptions)"/>.</summary>
    [Obsolete(Renamed + " Use WaitForEventAsync."), EditorBrowsable(EditorBrowsableState.Never)]
    public Task<Event<JsonObject>?> WaitForEvent(string id, WaitForEventOptions options) => WaitForEventAsync(id, options);

    /// <summary>Use <see cref="WaitForEventAsync{TData}(string, WaitForEventOptions)"/>.</summary>
    [Obsolete(Renamed + " Use WaitForEventAsync."), EditorBrowsable(EditorBrowsableState.Never)]
    public Task<Event<TData>?> WaitForEvent<TData>(string id, WaitForEventOptions options) => WaitForEventAsync<TData>(id, options);

    /// <summary>Use <see cref="SendEventAsync(string, Event)"/>.</summary>
    [Obsolete(Renamed + " Use SendEventAsync."), EditorBrowsable(EditorBrowsableState.Never)]
    public Task<IReadOnlyList<string>> SendEvent(string id, Event @event) => SendEventAsync(id, @event);

    /// <summary>Use <see cref="SendEventAsync(string, IEnumerable{Event})"/>.</summary>
    [Obsolete(Renamed + " Use SendEventAsync."), EditorBrowsable(EditorBrowsableState.Never)]
    public Task<IReadOnlyList<string>> SendEvent(string id, IEnumerable<Event> events) => SendEventAsync(id, events);

    /// <summary>Use <see cref="InvokeAsync{TResult}(string, FunctionRef, object?, TimeSpan?)"/>.</summary>
    [Obsolete(Renamed + " Use InvokeAsync."), EditorBrowsable(EditorBrowsableState.Never)]
    public Task<TResult> Invoke<TResult>(string id, FunctionRef function, object? data = null, TimeSpan? timeout = null) =>
        InvokeAsync<TResult>(id, function, data, timeout);
}
